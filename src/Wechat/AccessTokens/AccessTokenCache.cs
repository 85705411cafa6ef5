using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using StackExchange.Redis;

namespace WechatLoyalty.Wechat.AccessTokens;

/// <summary>
/// One access token per appid, shared by every instance through Redis. Refreshes are single-flight: a local gate
/// per appid, then a Redis lock, then a re-check before calling stable_token, so N callers (in one process or many)
/// cause one token call. Each GetAsync calls the endpoint at most once; callers that lose the race poll Redis.
/// If Redis is down we serve from process memory (degraded: one token per instance) rather than failing.
/// https://developers.weixin.qq.com/doc/service/api/base/api_getstableaccesstoken.html
/// </summary>
public sealed partial class AccessTokenCache(
    IConnectionMultiplexer redis,
    IAccessTokenSource source,
    IOptions<AccessTokenOptions> options,
    TimeProvider time,
    ILogger<AccessTokenCache> logger)
{
    private static readonly TimeSpan PollInterval = TimeSpan.FromMilliseconds(50);
    private readonly ConcurrentDictionary<string, SemaphoreSlim> _gates = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, (string Token, DateTimeOffset ExpiresAt)> _memory = new(StringComparer.Ordinal);
    private readonly AccessTokenOptions _options = options.Value;

    public async Task<string> GetAsync(WechatAppCredentials app, CancellationToken cancellationToken = default)
    {
        var key = AccessTokenKeys.Token(_options.KeyPrefix, app.AppId);
        try
        {
            var cached = await redis.GetDatabase().StringGetAsync(key);
            if (cached.HasValue)
            {
                return cached.ToString();
            }
        }
        catch (RedisException ex)
        {
            return await GetDegradedAsync(app, ex, cancellationToken);
        }

        var gate = _gates.GetOrAdd(app.AppId, _ => new SemaphoreSlim(1, 1));
        await gate.WaitAsync(cancellationToken);
        try
        {
            return await RefreshSharedAsync(app, key, cancellationToken);
        }
        catch (RedisException ex)
        {
            LogDegraded(ex, app.AppId);
            return await GetFromMemoryOrFetchAsync(app, cancellationToken);
        }
        finally
        {
            gate.Release();
        }
    }

    /// <summary>
    /// Drops <paramref name="staleToken"/> after WeChat rejected it (40001/40014/42001). Only that exact value is
    /// removed, so late callers holding the old token cannot delete the fresh one another caller just stored.
    /// </summary>
    public async Task InvalidateAsync(WechatAppCredentials app, string staleToken, CancellationToken cancellationToken = default)
    {
        if (_memory.TryGetValue(app.AppId, out var entry) && entry.Token == staleToken)
        {
            _memory.TryRemove(new KeyValuePair<string, (string, DateTimeOffset)>(app.AppId, entry));
        }

        try
        {
            var key = AccessTokenKeys.Token(_options.KeyPrefix, app.AppId);
            var transaction = redis.GetDatabase().CreateTransaction();
            transaction.AddCondition(Condition.StringEqual(key, staleToken));
            _ = transaction.KeyDeleteAsync(key);
            await transaction.ExecuteAsync();
        }
        catch (RedisException ex)
        {
            LogDegraded(ex, app.AppId);
        }
    }

    private async Task<string> RefreshSharedAsync(WechatAppCredentials app, string key, CancellationToken cancellationToken)
    {
        var db = redis.GetDatabase();
        var lockKey = AccessTokenKeys.Lock(_options.KeyPrefix, app.AppId);
        var owner = Guid.NewGuid().ToString("N");
        var deadline = time.GetUtcNow() + _options.LockWait;
        while (true)
        {
            var cached = await db.StringGetAsync(key);
            if (cached.HasValue)
            {
                return cached.ToString();
            }

            if (await db.LockTakeAsync(lockKey, owner, _options.LockExpiry))
            {
                try
                {
                    // Someone may have stored a token between our read and taking the lock.
                    cached = await db.StringGetAsync(key);
                    if (cached.HasValue)
                    {
                        return cached.ToString();
                    }

                    var issued = await source.FetchAsync(app, cancellationToken);
                    var ttl = Ttl(issued.ExpiresIn);
                    await db.StringSetAsync(key, issued.Token, ttl);
                    _memory[app.AppId] = (issued.Token, time.GetUtcNow() + ttl);
                    LogRefreshed(app.AppId, ttl);
                    return issued.Token;
                }
                finally
                {
                    await db.LockReleaseAsync(lockKey, owner);
                }
            }

            if (time.GetUtcNow() >= deadline)
            {
                throw new TimeoutException($"Timed out after {_options.LockWait} waiting for another instance to refresh the access token of {app.AppId}.");
            }

            await Task.Delay(PollInterval, time, cancellationToken);
        }
    }

    private async Task<string> GetDegradedAsync(WechatAppCredentials app, RedisException ex, CancellationToken cancellationToken)
    {
        LogDegraded(ex, app.AppId);
        var gate = _gates.GetOrAdd(app.AppId, _ => new SemaphoreSlim(1, 1));
        await gate.WaitAsync(cancellationToken);
        try
        {
            return await GetFromMemoryOrFetchAsync(app, cancellationToken);
        }
        finally
        {
            gate.Release();
        }
    }

    /// <summary>Caller holds the gate of this appid.</summary>
    private async Task<string> GetFromMemoryOrFetchAsync(WechatAppCredentials app, CancellationToken cancellationToken)
    {
        if (_memory.TryGetValue(app.AppId, out var entry) && entry.ExpiresAt > time.GetUtcNow())
        {
            return entry.Token;
        }

        var issued = await source.FetchAsync(app, cancellationToken);
        _memory[app.AppId] = (issued.Token, time.GetUtcNow() + Ttl(issued.ExpiresIn));
        return issued.Token;
    }

    private TimeSpan Ttl(TimeSpan expiresIn)
    {
        var ttl = expiresIn - _options.RefreshMargin;
        if (ttl <= TimeSpan.Zero)
        {
            ttl = expiresIn / 2;
        }

        return ttl < TimeSpan.FromSeconds(1) ? TimeSpan.FromSeconds(1) : ttl;
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Refreshed the WeChat access token of {AppId}; cached for {Ttl}")]
    private partial void LogRefreshed(string appId, TimeSpan ttl);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Redis unavailable for the WeChat access token of {AppId}; serving from process memory (degraded)")]
    private partial void LogDegraded(Exception exception, string appId);
}
