using System.Text.Json;
using Microsoft.AspNetCore.Diagnostics.HealthChecks;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using StackExchange.Redis;
using WechatLoyalty.Domain.Data;

namespace WechatLoyalty.Api.Infrastructure;

internal static class HealthChecks
{
    private const string Ready = "ready";

    public static IServiceCollection AddLoyaltyHealthChecks(this IServiceCollection services)
    {
        services.AddHealthChecks()
            .AddDbContextCheck<LoyaltyDbContext>("mariadb", tags: [Ready])
            .AddCheck<RedisHealthCheck>("redis", tags: [Ready]);
        return services;
    }

    /// <summary>
    /// <c>/health/live</c>: the process answers (no dependencies, so a database outage does not get us restarted).
    /// <c>/health/ready</c>: MariaDB and Redis answer, so the load balancer may send traffic.
    /// </summary>
    public static void MapLoyaltyHealthChecks(this IEndpointRouteBuilder app)
    {
        app.MapHealthChecks("/health/live", new HealthCheckOptions { Predicate = _ => false, ResponseWriter = WriteJson });
        app.MapHealthChecks("/health/ready", new HealthCheckOptions { Predicate = c => c.Tags.Contains(Ready), ResponseWriter = WriteJson });
    }

    private static Task WriteJson(HttpContext context, HealthReport report)
    {
        context.Response.ContentType = "application/json";
        return JsonSerializer.SerializeAsync(context.Response.Body, new
        {
            status = report.Status.ToString(),
            durationMs = (int)report.TotalDuration.TotalMilliseconds,
            checks = report.Entries.ToDictionary(e => e.Key, e => new
            {
                status = e.Value.Status.ToString(),
                durationMs = (int)e.Value.Duration.TotalMilliseconds,
                error = e.Value.Exception?.GetType().Name,
            }),
        }, cancellationToken: context.RequestAborted);
    }
}

internal sealed class RedisHealthCheck(IConnectionMultiplexer redis) : IHealthCheck
{
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        try
        {
            var latency = await redis.GetDatabase().PingAsync();
            return HealthCheckResult.Healthy($"ping {latency.TotalMilliseconds:0.0} ms");
        }
        catch (RedisException ex)
        {
            return HealthCheckResult.Unhealthy("Redis did not answer a PING.", ex);
        }
    }
}
