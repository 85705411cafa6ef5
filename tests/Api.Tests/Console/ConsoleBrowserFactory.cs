using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using WechatLoyalty.Api.Tests.Infrastructure;

namespace WechatLoyalty.Api.Tests.Console;

/// <summary>
/// The API for the console's browser tests: with a Hangfire server (imports run as jobs) and, until the KPI
/// endpoints land on this branch, a test double of <c>GET /api/admin/kpis…</c> that answers in the contract's
/// shape (contracts.md), so the dashboard's drawing is tested against the JSON it will get.
/// </summary>
public sealed class ConsoleBrowserFactory : LoyaltyApiFactory
{
    protected override IEnumerable<KeyValuePair<string, string?>> Settings =>
    [
        new("Jobs:ServerEnabled", "true"),
        new("Jobs:WorkerCount", "2"),
    ];

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        base.ConfigureWebHost(builder);
        builder.ConfigureServices(s => s.AddSingleton<IStartupFilter, KpiDouble>());
    }

    /// <summary>Serves the KPI contract before routing, so it stands in for the real endpoints only in these tests.</summary>
    private sealed class KpiDouble : IStartupFilter
    {
        public Action<IApplicationBuilder> Configure(Action<IApplicationBuilder> next) => app =>
        {
            app.Use(async (context, nextMiddleware) =>
            {
                var path = context.Request.Path.Value ?? "";
                if (!path.StartsWith("/api/admin/kpis", StringComparison.Ordinal))
                {
                    await nextMiddleware(context);
                    return;
                }
                object? body = path switch
                {
                    "/api/admin/kpis" => new[]
                    {
                        new { id = "member-growth", title = "会员增长", titleEn = "Member growth", definition = "期间内新入会会员数", definitionEn = "Members who joined in the period" },
                        new { id = "join-sources", title = "入会来源", titleEn = "Join sources", definition = "按来源统计的新会员", definitionEn = "New members by source" },
                    },
                    "/api/admin/kpis/member-growth" => new
                    {
                        id = "member-growth", title = "会员增长", titleEn = "Member growth", definition = "期间内新入会会员数", definitionEn = "Members who joined in the period",
                        unit = "members", chart = "line",
                        series = new[] { new { name = "新会员", nameEn = "New members", points = Enumerable.Range(1, 14).Select(d => new { x = $"2026-11-{d:00}", y = (double)(d * 3 % 11 + 2) }).ToArray() } },
                        figures = new[] { new { name = "新会员合计", nameEn = "New members", value = 120.0, unit = "members", definition = "期间内新入会会员数" } },
                        table = new { columns = new[] { "date", "new" }, rows = new[] { new object[] { "2026-11-01", 5 } } },
                    },
                    "/api/admin/kpis/join-sources" => new
                    {
                        id = "join-sources", title = "入会来源", titleEn = "Join sources", definition = "按来源统计的新会员", definitionEn = "New members by source",
                        unit = "members", chart = "pie",
                        series = new[] { new { name = "来源", nameEn = "Source", points = new[] { new { x = "StoreQr", y = 60.0 }, new { x = "Referral", y = 25.0 }, new { x = "Organic", y = 15.0 } } } },
                        figures = Array.Empty<object>(),
                        table = new { columns = new[] { "source", "members" }, rows = new[] { new object[] { "StoreQr", 60 } } },
                    },
                    _ => null,
                };
                if (body is null)
                {
                    context.Response.StatusCode = StatusCodes.Status404NotFound;
                    return;
                }
                context.Response.ContentType = "application/json; charset=utf-8";
                await context.Response.WriteAsync(JsonSerializer.Serialize(body));
            });
            next(app);
        };
    }
}
