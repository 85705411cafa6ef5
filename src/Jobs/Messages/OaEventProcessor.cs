using System.Globalization;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using WechatLoyalty.Domain.Common;
using WechatLoyalty.Domain.Data;
using WechatLoyalty.Domain.Members;
using WechatLoyalty.Domain.Messaging;
using WechatLoyalty.Wechat;
using WechatLoyalty.Wechat.OfficialAccount;

namespace WechatLoyalty.Jobs.Messages;

/// <summary>
/// Acts on accepted OA events: follows and unfollows update the identity (and its member's channel), SCAN is
/// recorded with its store, TEMPLATESENDJOBFINISH settles the delivery with that msgid. Each event is claimed
/// before it is worked on, so the callback's after-reply processing and the sweep job never both do it.
/// </summary>
public sealed class OaEventProcessor(
    LoyaltyDbContext db,
    OfficialAccountClient wechat,
    IdentityService identities,
    DeliveryReports reports,
    ProgrammeClock clock,
    IOptions<OfficialAccountOptions> oaOptions,
    IOptions<MessagingOptions> options,
    ILogger<OaEventProcessor> logger)
{
    private static readonly TimeSpan ClaimLease = TimeSpan.FromMinutes(2);

    /// <summary>True when this call processed the event (false: done already, or another worker holds it).</summary>
    public async Task<bool> ProcessAsync(long eventId, CancellationToken ct)
    {
        var now = clock.UtcNow.UtcDateTime;
        var staleClaim = now - ClaimLease;
        var claimed = await db.OaEvents.Where(e => e.Id == eventId && e.ProcessedAt == null && (e.ClaimedAt == null || e.ClaimedAt < staleClaim))
            .ExecuteUpdateAsync(s => s.SetProperty(e => e.ClaimedAt, now).SetProperty(e => e.Attempts, e => e.Attempts + 1), ct);
        if (claimed == 0) return false;
        var ev = await db.OaEvents.AsNoTracking().SingleAsync(e => e.Id == eventId, ct);
        using var scope = logger.BeginScope(new Dictionary<string, object> { ["OaEventId"] = ev.Id, ["WechatDedupKey"] = ev.DedupKey });
        try
        {
            await ActAsync(ev, ct);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            var error = ex.GetType().Name + ": " + ex.Message;
            if (error.Length > 500) error = error[..500];
            await db.OaEvents.Where(e => e.Id == eventId).ExecuteUpdateAsync(s => s
                .SetProperty(e => e.Error, error).SetProperty(e => e.ClaimedAt, (DateTime?)null), CancellationToken.None);
            throw;
        }
        await db.OaEvents.Where(e => e.Id == eventId)
            .ExecuteUpdateAsync(s => s.SetProperty(e => e.ProcessedAt, clock.UtcNow.UtcDateTime).SetProperty(e => e.Error, (string?)null), ct);
        return true;
    }

    /// <summary>Processes what the callback accepted but did not finish (a crash, a failure), oldest first.</summary>
    public async Task<int> SweepAsync(CancellationToken ct)
    {
        var cutoff = clock.UtcNow.UtcDateTime.AddSeconds(-options.Value.OaEventSweepAfterSeconds);
        var ids = await db.OaEvents.AsNoTracking().Where(e => e.ProcessedAt == null && e.ReceivedAt <= cutoff && e.Attempts < 10)
            .OrderBy(e => e.Id).Select(e => e.Id).Take(options.Value.BatchSize).ToListAsync(ct);
        var done = 0;
        foreach (var id in ids)
        {
            try
            {
                if (await ProcessAsync(id, ct)) done++;
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                logger.LogError(ex, "OA event {OaEventId} failed; it is tried again on the next sweep", id);
            }
        }
        return done;
    }

    private async Task ActAsync(OaEvent ev, CancellationToken ct)
    {
        var appId = oaOptions.Value.AppId;
        switch (ev.Event)
        {
            case "subscribe":
                var unionId = await UnionIdAsync(ev.OpenId, ct);
                var follower = await identities.RecordFollowAsync(appId, ev.OpenId, unionId, true, ev.CreateTime, ct);
                if (follower.MemberId is { } memberId) await reports.FollowedAsync(memberId, ct);
                logger.LogInformation("OA follow by identity {IdentityId} (member {MemberId}), store {StoreId}", follower.Id, follower.MemberId, ev.StoreId);
                break;
            case "unsubscribe":
                var left = await identities.RecordFollowAsync(appId, ev.OpenId, null, false, ev.CreateTime, ct);
                logger.LogInformation("OA unfollow by identity {IdentityId} (member {MemberId})", left.Id, left.MemberId);
                break;
            case "SCAN":
                // Only followers can SCAN: the identity follows (as of this event, unless a newer one says otherwise).
                var scanner = await identities.RecordFollowAsync(appId, ev.OpenId, null, true, ev.CreateTime, ct);
                logger.LogInformation("OA QR scan by identity {IdentityId} (member {MemberId}), store {StoreId}", scanner.Id, scanner.MemberId, ev.StoreId);
                break;
            case "TEMPLATESENDJOBFINISH":
                var fields = System.Text.Json.JsonSerializer.Deserialize<Dictionary<string, string>>(ev.FieldsJson) ?? [];
                if (long.TryParse(fields.GetValueOrDefault("MsgID") ?? fields.GetValueOrDefault("MsgId"), NumberStyles.None, CultureInfo.InvariantCulture, out var msgid))
                    await reports.TemplateJobFinishedAsync(msgid, fields.GetValueOrDefault("Status") ?? "", ct);
                else
                    logger.LogWarning("TEMPLATESENDJOBFINISH without a usable MsgID ignored");
                break;
            default:
                logger.LogInformation("OA push {MsgType}/{Event} recorded", ev.MsgType, ev.Event);
                break;
        }
    }

    /// <summary>The event carries no UnionID; user/info does (when the OA is bound to the open platform).</summary>
    private async Task<string?> UnionIdAsync(string openId, CancellationToken ct)
    {
        var info = await wechat.GetUserInfoAsync(openId, cancellationToken: ct);
        return string.IsNullOrEmpty(info.Unionid) ? null : info.Unionid;
    }
}
