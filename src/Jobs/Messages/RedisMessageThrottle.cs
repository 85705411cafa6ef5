using System.Globalization;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using StackExchange.Redis;
using WechatLoyalty.Domain.Common;
using WechatLoyalty.Domain.Messaging;
using WechatLoyalty.Jobs.Hosting;

namespace WechatLoyalty.Jobs.Messages;

/// <summary>
/// The per-app send pace (a one-second window counter in Redis, shared by every API instance and worker) and the
/// app's pause after a quota answer. Redis being down does not stop sends: the database's idempotency still holds,
/// only the pace is then per process.
/// </summary>
internal sealed class RedisMessageThrottle(
    IConnectionMultiplexer redis, RedisKeys keys, ProgrammeClock clock, IOptions<MessagingOptions> options, ILogger<RedisMessageThrottle> logger)
    : IMessageThrottle
{
    private static readonly TimeSpan MaxWait = TimeSpan.FromSeconds(10);

    public async Task<ThrottleResult> AcquireAsync(string appId, CancellationToken ct)
    {
        try
        {
            var db = redis.GetDatabase();
            var paused = await db.StringGetAsync(PauseKey(appId));
            if (paused.HasValue && long.TryParse(paused.ToString(), NumberStyles.None, CultureInfo.InvariantCulture, out var ticks))
            {
                var until = new DateTimeOffset(ticks, TimeSpan.Zero);
                if (until > clock.UtcNow) return new ThrottleResult(false, until);
            }

            // The pace is real time (wall clock), not the programme clock: it protects WeChat's per-second limits.
            var deadline = DateTimeOffset.UtcNow + MaxWait;
            while (DateTimeOffset.UtcNow < deadline)
            {
                var second = DateTimeOffset.UtcNow.ToUnixTimeSeconds();
                var key = keys.For("messages", "rate", appId, second.ToString(CultureInfo.InvariantCulture));
                var used = await db.StringIncrementAsync(key);
                if (used == 1) await db.KeyExpireAsync(key, TimeSpan.FromSeconds(5));
                if (used <= options.Value.SendRatePerSecond) return ThrottleResult.Granted;
                await Task.Delay(DateTimeOffset.FromUnixTimeSeconds(second + 1) - DateTimeOffset.UtcNow + TimeSpan.FromMilliseconds(5), ct);
            }
            return new ThrottleResult(false, clock.UtcNow.AddSeconds(30));
        }
        catch (RedisException ex)
        {
            logger.LogWarning(ex, "Redis unavailable for the message pace; sending unthrottled");
            return ThrottleResult.Granted;
        }
    }

    public async Task<ThrottleGrant> AcquireManyAsync(string appId, int count, CancellationToken ct)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(count, 1);
        try
        {
            var db = redis.GetDatabase();
            var paused = await db.StringGetAsync(PauseKey(appId));
            if (paused.HasValue && long.TryParse(paused.ToString(), NumberStyles.None, CultureInfo.InvariantCulture, out var ticks))
            {
                var until = new DateTimeOffset(ticks, TimeSpan.Zero);
                if (until > clock.UtcNow) return new ThrottleGrant(0, until);
            }

            var limit = options.Value.SendRatePerSecond;
            var deadline = DateTimeOffset.UtcNow + MaxWait;
            while (DateTimeOffset.UtcNow < deadline)
            {
                var second = DateTimeOffset.UtcNow.ToUnixTimeSeconds();
                var key = keys.For("messages", "rate", appId, second.ToString(CultureInfo.InvariantCulture));
                // The whole request is counted; what is over the limit is not granted, and the window is full anyway.
                var used = await db.StringIncrementAsync(key, count);
                if (used == count) await db.KeyExpireAsync(key, TimeSpan.FromSeconds(5));
                var granted = (int)Math.Clamp(limit - (used - count), 0, count);
                if (granted > 0) return new ThrottleGrant(granted, null);
                await Task.Delay(DateTimeOffset.FromUnixTimeSeconds(second + 1) - DateTimeOffset.UtcNow + TimeSpan.FromMilliseconds(5), ct);
            }
            return new ThrottleGrant(0, clock.UtcNow.AddSeconds(30));
        }
        catch (RedisException ex)
        {
            logger.LogWarning(ex, "Redis unavailable for the message pace; sending unthrottled");
            return new ThrottleGrant(count, null);
        }
    }

    public async Task PauseAsync(string appId, DateTimeOffset until, CancellationToken ct)
    {
        try
        {
            var ttl = until - clock.UtcNow + TimeSpan.FromMinutes(5);
            await redis.GetDatabase().StringSetAsync(PauseKey(appId), until.UtcTicks.ToString(CultureInfo.InvariantCulture),
                ttl > TimeSpan.Zero ? ttl : TimeSpan.FromMinutes(5));
        }
        catch (RedisException ex)
        {
            // The paused delivery itself is in the database and resumes on time; only the shared pause is lost.
            logger.LogWarning(ex, "Redis unavailable: could not share the pause of app {AppId}", appId);
        }
    }

    private RedisKey PauseKey(string appId) => keys.For("messages", "paused", appId);
}
