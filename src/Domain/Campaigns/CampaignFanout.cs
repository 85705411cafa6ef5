using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using MySqlConnector;
using WechatLoyalty.Domain.Campaigns.Segments;
using WechatLoyalty.Domain.Campaigns.Sending;
using WechatLoyalty.Domain.Common;
using WechatLoyalty.Domain.Data;
using WechatLoyalty.Domain.Points;
using WechatLoyalty.Domain.Programme;

namespace WechatLoyalty.Domain.Campaigns;

public enum FanoutState
{
    /// <summary>Another run holds the campaign.</summary>
    Busy,

    /// <summary>Nothing to do (draft, paused, cancelled, done, unknown).</summary>
    Stopped,

    /// <summary>Come back at <see cref="FanoutResult.NextRunAt"/> (not due yet, quiet hours, quota).</summary>
    Waiting,

    Done,
}

public sealed record FanoutResult(FanoutState State, DateTime? NextRunAt = null, int Sent = 0);

/// <summary>
/// Sends one campaign. One run at a time per campaign (a lease on the campaign row, renewed per batch, lapsing after
/// a crash). When sending starts the audience is frozen in one statement: campaign_recipients rows, the hold-out
/// chosen by a hash of (campaign, member) and recorded. Then batches of pending recipients in member order: values
/// rendered, the whole batch handed to <see cref="ICampaignSender"/> at once (idempotent per campaign and member; the
/// messages pipeline claims, sends and records it set-based), outcomes (one multi-row UPDATE) and rewards recorded in
/// one transaction per batch. Status and quiet hours are checked before every batch, so a pause takes
/// effect after the batch in flight. A crash between a send and its record is repaired by the next run: the row is
/// still pending, the sender returns the first outcome without sending again, and the reward's ledger key
/// (campaign, member) pays it once.
/// </summary>
public sealed class CampaignFanout(
    LoyaltyDbContext db, ICampaignSender sender, SegmentAudience audience, ProgrammeRulesStore rulesStore, PointsLedger ledger,
    ProgrammeClock clock, IOptions<CampaignsOptions> options, ILogger<CampaignFanout> logger)
{
    public static string RewardKey(long campaignId, long memberId) => $"campaign:{campaignId}:member:{memberId}";

    public async Task<FanoutResult> RunAsync(long campaignId, string fallbackPreset, CancellationToken ct)
    {
        var owner = Guid.NewGuid().ToString("N");
        if (!await AcquireLeaseAsync(campaignId, owner, ct))
        {
            logger.LogInformation("Campaign {CampaignId} is being sent by another run", campaignId);
            return new FanoutResult(FanoutState.Busy);
        }
        var sent = 0;
        try
        {
            var o = options.Value;
            var quiet = new QuietHours(o.QuietStart, o.QuietEnd);
            while (true)
            {
                ct.ThrowIfCancellationRequested();
                var campaign = await db.Campaigns.AsNoTracking().SingleOrDefaultAsync(c => c.Id == campaignId, ct);
                var now = clock.UtcNow;
                if (campaign is null) return new FanoutResult(FanoutState.Stopped);
                if (campaign.Status is not (CampaignStatus.Scheduled or CampaignStatus.Sending))
                    return new FanoutResult(campaign.Status == CampaignStatus.Done ? FanoutState.Done : FanoutState.Stopped, Sent: sent);
                if (campaign.Status == CampaignStatus.Scheduled && campaign.ScheduledAt > now.UtcDateTime)
                    return await WaitAsync(campaignId, campaign.ScheduledAt!.Value, sent, ct);
                if (quiet.IsQuiet(now, clock))
                    return await WaitAsync(campaignId, quiet.NextOpenUtc(now, clock), sent, ct);
                if (!await RenewLeaseAsync(campaignId, owner, ct)) return new FanoutResult(FanoutState.Busy, Sent: sent);

                if (campaign.Status == CampaignStatus.Scheduled)
                {
                    await FreezeAsync(campaign, ct);
                    continue;
                }

                var batch = await db.CampaignRecipients.AsNoTracking()
                    .Where(r => r.CampaignId == campaignId && r.Status == RecipientStatus.Pending)
                    .OrderBy(r => r.MemberId).Select(r => r.MemberId).Take(o.BatchSize).ToListAsync(ct);
                if (batch.Count == 0)
                {
                    await FinishAsync(campaignId, ct);
                    return new FanoutResult(FanoutState.Done, Sent: sent);
                }
                var rules = await rulesStore.GetActiveAsync(fallbackPreset, ct);
                var (count, retryLater) = await SendBatchAsync(campaign, batch, rules, ct);
                sent += count;
                if (retryLater) return await WaitAsync(campaignId, now.UtcDateTime + o.RetryLaterDelay, sent, ct);
            }
        }
        finally
        {
            await db.Campaigns.Where(c => c.Id == campaignId && c.LeaseOwner == owner)
                .ExecuteUpdateAsync(s => s.SetProperty(c => c.LeaseOwner, (string?)null).SetProperty(c => c.LeaseUntil, (DateTime?)null), CancellationToken.None);
        }
    }

    /// <summary>
    /// Scheduled → sending with the audience frozen, in one transaction: a crash leaves either both or neither. Hold-out:
    /// CRC32("campaign:member") mod 10000 below the share in basis points: deterministic, uniform, recorded per row.
    /// </summary>
    private async Task FreezeAsync(Campaign campaign, CancellationToken ct)
    {
        var segment = await db.Segments.AsNoTracking().SingleAsync(s => s.Id == campaign.SegmentId, ct);
        var sql = audience.Compile(SegmentParser.Parse(segment.DefinitionJson));
        var now = clock.UtcNow.UtcDateTime;
        try
        {
            await db.ExecuteAsync(async token =>
            {
                var holdout = "(CRC32(CONCAT(@campaign, ':', m.id)) % 10000) < @holdoutBp";
                var insert = $"""
                    INSERT INTO campaign_recipients (campaign_id, member_id, is_holdout, status)
                    SELECT @campaign, m.id, {holdout}, IF({holdout}, 'HeldOut', 'Pending')
                    FROM {sql.From}
                    WHERE {sql.Where}
                    """;
                var parameters = sql.CloneParameters().Append(new MySqlParameter("@campaign", campaign.Id))
                    .Append(new MySqlParameter("@holdoutBp", campaign.HoldoutBasisPoints)).Cast<object>().ToArray();
                await db.Database.ExecuteSqlRawAsync(insert, parameters, token);
                var counts = await db.CampaignRecipients.Where(r => r.CampaignId == campaign.Id)
                    .GroupBy(r => r.IsHoldout).Select(g => new { Holdout = g.Key, Count = g.Count() }).ToListAsync(token);
                var targeted = counts.Sum(x => x.Count);
                var heldOut = counts.Where(x => x.Holdout).Sum(x => x.Count);
                var moved = await db.Campaigns.Where(c => c.Id == campaign.Id && c.Status == CampaignStatus.Scheduled).ExecuteUpdateAsync(s => s
                    .SetProperty(c => c.Status, CampaignStatus.Sending).SetProperty(c => c.StartedAt, now).SetProperty(c => c.UpdatedAt, now)
                    .SetProperty(c => c.Targeted, targeted).SetProperty(c => c.HeldOut, heldOut)
                    .SetProperty(c => c.NextRunAt, (DateTime?)null), token);
                // Cancelled or unscheduled meanwhile: the audience rolls back with the transaction.
                if (moved == 0) throw new CampaignMovedException();
                return moved;
            }, ct);
        }
        catch (CampaignMovedException)
        {
            return;
        }
        logger.LogInformation("Campaign {CampaignId} started sending: audience frozen", campaign.Id);
    }

    private sealed class CampaignMovedException : Exception;

    private async Task<(int Sent, bool RetryLater)> SendBatchAsync(Campaign campaign, List<long> memberIds, ProgrammeRules rules, CancellationToken ct)
    {
        var fields = CampaignFields.Deserialize(campaign.FieldsJson);
        var members = await db.Members.AsNoTracking().Where(m => memberIds.Contains(m.Id))
            .Select(m => new { m.Id, m.Nickname, m.TierCode, m.PointsBalance, m.DeletedAt }).ToDictionaryAsync(m => m.Id, ct);
        var outcomes = new Dictionary<long, CampaignSendOutcome>();
        var messages = new List<CampaignMessage>(memberIds.Count);
        foreach (var memberId in memberIds)
        {
            if (!members.TryGetValue(memberId, out var m) || m.DeletedAt is not null)
            {
                // Deleted since the audience was frozen: their data is gone and they get nothing.
                outcomes[memberId] = new CampaignSendOutcome(CampaignSendStatus.Undeliverable, null, "member_deleted");
                continue;
            }
            var tier = rules.Tiers.FirstOrDefault(t => string.Equals(t.Code, m.TierCode, StringComparison.OrdinalIgnoreCase))?.Name ?? m.TierCode;
            messages.Add(new CampaignMessage(campaign.Id, memberId, campaign.MessageKind, campaign.TemplateId, campaign.Page,
                CampaignFields.Render(fields, m.Nickname, tier, m.PointsBalance)));
        }
        var retryLater = false;
        if (messages.Count > 0)
        {
            // The whole batch in one call: the pipeline claims, sends (Parallelism in flight) and records it set-based.
            var sent = await sender.SendBatchAsync(messages, options.Value.Parallelism, ct);
            foreach (var (memberId, outcome) in sent)
            {
                // Quota or rate limit: nothing was sent to them; they stay pending and the run comes back later.
                if (outcome.Status == CampaignSendStatus.RetryLater) retryLater = true;
                else outcomes[memberId] = outcome;
            }
        }
        await RecordAsync(campaign, outcomes, rules, ct);
        return (outcomes.Count(o => o.Value.Status == CampaignSendStatus.Sent), retryLater);
    }

    /// <summary>The batch's outcomes and rewards in one transaction; only rows still pending change (a replay changes nothing).</summary>
    private async Task RecordAsync(Campaign campaign, IReadOnlyDictionary<long, CampaignSendOutcome> outcomes, ProgrammeRules rules, CancellationToken ct)
    {
        if (outcomes.Count == 0) return;
        var now = clock.UtcNow;
        await db.ExecuteAsync(async token =>
        {
            var rewards = new Dictionary<long, long>();
            if (campaign.RewardPoints > 0)
            {
                foreach (var (memberId, _) in outcomes.Where(o => o.Value.Status == CampaignSendStatus.Sent).OrderBy(o => o.Key))
                {
                    var credit = await ledger.CreditAsync(new PointsCredit(memberId, campaign.RewardPoints, PointSource.Campaign,
                        RewardKey(campaign.Id, memberId), now.UtcDateTime, PointsRules.ExpiresAtUtc(now, rules.PointsExpiryMonths, clock),
                        Reason: $"Campaign {campaign.Name}"), token);
                    rewards[memberId] = credit.EntryId;
                }
            }
            // Every recipient's outcome in one statement; only rows still pending change (a replay changes nothing).
            var rows = new MultiRow();
            var campaignId = rows.Param(campaign.Id);
            var at = rows.Param(now.UtcDateTime);
            var derived = rows.Derived(["member_id", "status", "channel", "reason", "err_code", "delivery_id", "delivered", "reward_entry_id"],
                outcomes.OrderBy(o => o.Key).Select(o => new object?[]
                {
                    o.Key, Status(o.Value.Status).ToString(), o.Value.Channel, o.Value.Reason is { Length: > 64 } r ? r[..64] : o.Value.Reason,
                    o.Value.WechatErrCode, o.Value.DeliveryId, o.Value.Delivered, rewards.TryGetValue(o.Key, out var entry) ? entry : null,
                }));
            return await rows.ExecuteAsync(db, $"""
                UPDATE campaign_recipients r JOIN ({derived}) v ON v.member_id = r.member_id
                SET r.status = v.status, r.channel = v.channel, r.reason = v.reason, r.err_code = v.err_code, r.delivery_id = v.delivery_id,
                    r.sent_at = {at}, r.delivered_at = IF(v.delivered, {at}, NULL), r.reward_entry_id = v.reward_entry_id
                WHERE r.campaign_id = {campaignId} AND r.status = 'Pending' AND r.member_id IN ({MultiRow.Ids(outcomes.Keys.Order())})
                """, token);
        }, ct);
    }

    private static RecipientStatus Status(CampaignSendStatus status) => status switch
    {
        CampaignSendStatus.Sent => RecipientStatus.Sent,
        CampaignSendStatus.Undeliverable => RecipientStatus.Undeliverable,
        _ => RecipientStatus.Failed,
    };

    private async Task FinishAsync(long campaignId, CancellationToken ct)
    {
        var now = clock.UtcNow.UtcDateTime;
        var moved = await db.Campaigns.Where(c => c.Id == campaignId && c.Status == CampaignStatus.Sending).ExecuteUpdateAsync(s => s
            .SetProperty(c => c.Status, CampaignStatus.Done).SetProperty(c => c.FinishedAt, now).SetProperty(c => c.UpdatedAt, now)
            .SetProperty(c => c.NextRunAt, (DateTime?)null), ct);
        if (moved > 0) logger.LogInformation("Campaign {CampaignId} done", campaignId);
    }

    private async Task<FanoutResult> WaitAsync(long campaignId, DateTime next, int sent, CancellationToken ct)
    {
        await db.Campaigns.Where(c => c.Id == campaignId).ExecuteUpdateAsync(s => s.SetProperty(c => c.NextRunAt, next), ct);
        logger.LogInformation("Campaign {CampaignId} waits until {NextRunAt}", campaignId, next);
        return new FanoutResult(FanoutState.Waiting, next, sent);
    }

    private async Task<bool> AcquireLeaseAsync(long campaignId, string owner, CancellationToken ct)
    {
        var now = clock.UtcNow.UtcDateTime;
        var until = now + options.Value.LeaseTime;
        return await db.Campaigns.Where(c => c.Id == campaignId && (c.LeaseUntil == null || c.LeaseUntil < now))
            .ExecuteUpdateAsync(s => s.SetProperty(c => c.LeaseOwner, owner).SetProperty(c => c.LeaseUntil, until), ct) == 1;
    }

    private async Task<bool> RenewLeaseAsync(long campaignId, string owner, CancellationToken ct)
    {
        var until = clock.UtcNow.UtcDateTime + options.Value.LeaseTime;
        return await db.Campaigns.Where(c => c.Id == campaignId && c.LeaseOwner == owner)
            .ExecuteUpdateAsync(s => s.SetProperty(c => c.LeaseUntil, until), ct) == 1;
    }
}
