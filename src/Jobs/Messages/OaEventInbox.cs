using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;
using MySqlConnector;
using StackExchange.Redis;
using WechatLoyalty.Domain.Common;
using WechatLoyalty.Domain.Data;
using WechatLoyalty.Domain.Messaging;
using WechatLoyalty.Jobs.Hosting;
using WechatLoyalty.Wechat.OfficialAccount;

namespace WechatLoyalty.Jobs.Messages;

/// <summary>
/// Takes an official-account push in before "success" is answered: duplicates (same MsgId, or FromUserName +
/// CreateTime + Event) are dropped by a Redis SET NX fast path and, for certain, by the unique key of the durable
/// row. The row is what makes "answer fast, work after" safe: whatever is not processed is picked up by the sweep.
/// </summary>
public sealed class OaEventInbox(LoyaltyDbContext db, IConnectionMultiplexer redis, RedisKeys keys, ProgrammeClock clock, ILogger<OaEventInbox> logger)
{
    private static readonly TimeSpan DedupWindow = TimeSpan.FromHours(1);

    /// <summary>The new event's id for the callback to process after its answer; null for a duplicate, or when it is done already.</summary>
    public async Task<long?> AcceptAsync(OaMessage message, CancellationToken ct)
    {
        var dedupKey = message.DedupKey.Length <= 160 ? message.DedupKey : message.DedupKey[..160];
        var redisKey = keys.For("oa", "dedup", dedupKey);
        var claimedInRedis = false;
        try
        {
            if (!await redis.GetDatabase().StringSetAsync(redisKey, "1", DedupWindow, When.NotExists))
            {
                logger.LogInformation("OA push {DedupKey} is a duplicate (seen in the last hour)", dedupKey);
                return null;
            }
            claimedInRedis = true;
        }
        catch (RedisException ex)
        {
            logger.LogWarning(ex, "Redis unavailable for OA de-duplication; the database decides");
        }

        var createTime = message.CreateTime > 0 ? DateTimeOffset.FromUnixTimeSeconds(message.CreateTime).UtcDateTime : clock.UtcNow.UtcDateTime;
        var row = new OaEvent
        {
            DedupKey = dedupKey,
            MsgType = Clip(message.MsgType, 32),
            Event = message.Event is null ? null : Clip(message.Event, 64),
            OpenId = Clip(message.FromUserName, 64),
            EventKey = message.Field("EventKey") is { Length: > 0 } key ? Clip(key, 128) : null,
            FieldsJson = JsonSerializer.Serialize(message.Fields),
            CreateTime = createTime,
            ReceivedAt = clock.UtcNow.UtcDateTime,
        };
        row.StoreId = await StoreOfAsync(row, ct);
        try
        {
            if (IsPlainTemplateJobFinish(message, out var msgid, out var status))
            {
                // One per campaign message: stored and its delivery settled in one round trip; nothing left to process.
                // Both statements are idempotent, so a lock conflict with a batch's settle is simply tried again.
                for (var attempt = 1; ; attempt++)
                {
                    try
                    {
                        await TemplateJobFinish.StoreAndSettleAsync(db, row, msgid, status, clock.UtcNow.UtcDateTime, ct);
                        return null;
                    }
                    catch (Exception ex) when (attempt < 3 && IsLockConflict(ex))
                    {
                        logger.LogInformation("OA push {DedupKey} met a lock conflict (attempt {Attempt}); trying again", dedupKey, attempt);
                    }
                }
            }
            db.OaEvents.Add(row);
            await db.SaveChangesAsync(ct);
            return row.Id;
        }
        catch (DbUpdateException ex) when (ex.InnerException is MySqlException { ErrorCode: MySqlErrorCode.DuplicateKeyEntry })
        {
            db.Entry(row).State = EntityState.Detached;
            return null;
        }
        catch
        {
            // Not stored: let WeChat's retry through.
            if (claimedInRedis) await ForgetAsync(redisKey);
            throw;
        }
    }

    /// <summary>A deadlock or lock-wait timeout: the statement was rolled back and may simply run again.</summary>
    private static bool IsLockConflict(Exception ex) =>
        Innermost<MySqlException>(ex) is { ErrorCode: MySqlErrorCode.LockDeadlock or MySqlErrorCode.LockWaitTimeout };

    /// <summary>A failure worth WeChat's retry (the database or Redis, not the push): answered with a 503, not a 500.</summary>
    public static bool IsTransient(Exception ex) =>
        Innermost<MySqlException>(ex) is not null || Innermost<RedisException>(ex) is not null || ex is TimeoutException;

    private static T? Innermost<T>(Exception? ex) where T : Exception
    {
        for (; ex is not null; ex = ex.InnerException)
            if (ex is T match) return match;
        return null;
    }

    private static bool IsPlainTemplateJobFinish(OaMessage message, out long msgid, out string status)
    {
        status = message.Field("Status") ?? "";
        msgid = 0;
        return message.Event == "TEMPLATESENDJOBFINISH" && !TemplateJobFinish.NeedsFullPath(status)
            && long.TryParse(message.MsgId, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out msgid);
    }

    /// <summary>The store a follow or scan came from: scene <c>store_&lt;code&gt;</c> (see StoreQrApi's OfficialAccountScenes).</summary>
    private async Task<long?> StoreOfAsync(OaEvent row, CancellationToken ct)
    {
        var scene = row.Event switch
        {
            "subscribe" when row.EventKey?.StartsWith(OaSubscribeEvent.ScenePrefix, StringComparison.Ordinal) == true => row.EventKey[OaSubscribeEvent.ScenePrefix.Length..],
            "SCAN" => row.EventKey,
            _ => null,
        };
        const string storePrefix = "store_";
        if (scene is null || !scene.StartsWith(storePrefix, StringComparison.Ordinal)) return null;
        var code = scene[storePrefix.Length..];
        return await db.Stores.Where(s => s.Code == code).Select(s => (long?)s.Id).FirstOrDefaultAsync(ct);
    }

    private async Task ForgetAsync(RedisKey key)
    {
        try
        {
            await redis.GetDatabase().KeyDeleteAsync(key);
        }
        catch (RedisException)
        {
            // The key expires on its own; WeChat's later retries are then let through.
        }
    }

    private static string Clip(string value, int max) => value.Length <= max ? value : value[..max];
}
