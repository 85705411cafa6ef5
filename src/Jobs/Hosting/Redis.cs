using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using StackExchange.Redis;

namespace WechatLoyalty.Jobs.Hosting;

/// <summary>
/// Builds every Redis key from one place, under the configured prefix (<c>loyalty:</c> by default), so keys
/// are greppable, tests can isolate themselves with their own prefix, and nothing collides with Hangfire's.
/// </summary>
public sealed class RedisKeys(IOptions<RedisOptions> options)
{
    private readonly string _prefix = options.Value.KeyPrefix;

    public string Prefix => _prefix;

    public RedisKey For(params string[] parts) => _prefix + string.Join(':', parts);
}

public static class RedisRegistration
{
    /// <summary>
    /// One multiplexer for the process (it is thread-safe and meant to be shared). AbortOnConnectFail is off so the
    /// API starts, and serves what it can, while Redis is down; the multiplexer reconnects in the background.
    /// </summary>
    public static IServiceCollection AddRedis(this IServiceCollection services)
    {
        services.AddValidatedOptions<RedisOptions>(RedisOptions.Section);
        services.AddSingleton<RedisKeys>();
        services.AddSingleton<IConnectionMultiplexer>(sp =>
        {
            var configuration = ConfigurationOptions.Parse(sp.GetRequiredService<IOptions<ConnectionStringsOptions>>().Value.Redis);
            configuration.AbortOnConnectFail = false;
            configuration.ClientName ??= "wechat-loyalty";
            return ConnectionMultiplexer.Connect(configuration);
        });
        return services;
    }
}
