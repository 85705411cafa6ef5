using System.Globalization;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;
using WechatLoyalty.Domain.Data;

namespace WechatLoyalty.Domain.Messaging;

/// <summary>
/// Many members, one kind and occasion (a campaign's batch), with the rules of <see cref="SendAsync"/> and a handful of
/// statements per batch instead of ten per member: the batch's template, members, identities, channel states and
/// rules in set queries; every delivery claimed in one multi-row INSERT (already carrying the OA send it stands for,
/// so a crash after it never sends twice); the pace reserved per chunk; the HTTP sends in parallel; the outcomes in one
/// multi-row UPDATE. What is rare stays on the single path: a record that existed before (a resumed batch), a
/// subscription credit (spent one statement per member, atomically), a 43004 (chosen again without the OA).
/// </summary>
public sealed partial class MessageDispatcher
{
    /// <summary>The outcome per member. Never sends a member twice for (kind, occasion), however often it is called.</summary>
    public async Task<IReadOnlyDictionary<long, DeliveryOutcome>> SendManyAsync(MessageBatch batch, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(batch);
        Validate(batch.Kind, batch.OccasionKey);
        var outcomes = new Dictionary<long, DeliveryOutcome>();
        var items = batch.Messages.DistinctBy(m => m.MemberId).OrderBy(m => m.MemberId).Select(m => new BatchItem(m)).ToList();
        if (items.Count == 0) return outcomes;

        // One connection for the batch's statements: no pool checkout (and its reset round trip) per statement.
        await db.Database.OpenConnectionAsync(ct);
        try
        {
            await PlanAsync(batch.Kind, items, ct);
            // Claimed, sent and recorded a chunk at a time: a crash between a claim and its record leaves at most one
            // chunk whose sends' fate is unknown (failed as interrupted, never resent), while each statement still
            // carries many rows.
            foreach (var chunk in items.Chunk(Math.Max(batch.Parallelism * ChunkPerParallelSend, MinChunk)))
                await SendChunkAsync(batch, chunk.ToList(), outcomes, ct);
        }
        finally
        {
            await db.Database.CloseConnectionAsync();
        }
        logger.LogInformation("Batch of {Count} {Kind} messages for {Occasion}: {Sent} sent, {Undeliverable} undeliverable, {Failed} failed, {Other} other",
            items.Count, batch.Kind, batch.OccasionKey, outcomes.Values.Count(o => o.Status == DeliveryOutcomeStatus.Sent),
            outcomes.Values.Count(o => o.Status == DeliveryOutcomeStatus.Undeliverable), outcomes.Values.Count(o => o.Status == DeliveryOutcomeStatus.Failed),
            outcomes.Values.Count(o => o.Status is DeliveryOutcomeStatus.Skipped or DeliveryOutcomeStatus.Paused));
        return outcomes;
    }

    private const int ChunkPerParallelSend = 4;
    private const int MinChunk = 16;

    private async Task SendChunkAsync(MessageBatch batch, List<BatchItem> items, Dictionary<long, DeliveryOutcome> outcomes, CancellationToken ct)
    {
        var mine = await ClaimAsync(batch, items, ct);
        var ours = mine.ToHashSet();
        foreach (var existing in items.Where(i => !ours.Contains(i)))
            outcomes[existing.MemberId] = await ContinueExistingAsync(existing.DeliveryId, ct);
        await SpendCreditsAsync(mine, ct);

        await SendAllAsync(mine, DeliveryChannel.OfficialAccount, batch.Parallelism, ct);
        await SendAllAsync(mine, DeliveryChannel.MiniProgram, batch.Parallelism, ct);
        await RecordAsync(mine.Where(i => i.Verdict?.Kind != VerdictKind.NotFollower).ToList(), ct);

        foreach (var item in mine)
        {
            if (item.Verdict?.Kind == VerdictKind.NotFollower)
            {
                // WeChat says the member does not follow after all: the single path chooses again without the OA.
                var delivery = await db.MessageDeliveries.SingleAsync(d => d.Id == item.DeliveryId, ct);
                outcomes[item.MemberId] = await AttemptAsync(delivery, item.Message.Values, ct, oaRuledOut: true);
            }
            else outcomes[item.MemberId] = item.Outcome();
        }
    }

    /// <summary>Template, recipients and the channel rule for every member, before anything is claimed.</summary>
    private async Task PlanAsync(string kind, List<BatchItem> items, CancellationToken ct)
    {
        var template = await db.MessageTemplates.AsNoTracking().SingleOrDefaultAsync(t => t.Kind == kind && t.Enabled, ct);
        var recipients = template is null ? [] : await LoadRecipientsAsync(items.Select(i => i.MemberId).ToList(), ct);
        var today = clock.Today;
        foreach (var item in items)
        {
            if (template is null)
            {
                item.Settle(DeliveryStatus.Undeliverable, $"no enabled template registered for {kind}");
                continue;
            }
            if (!recipients.TryGetValue(item.MemberId, out var recipient))
            {
                item.Settle(DeliveryStatus.Undeliverable, "member unknown or deleted");
                continue;
            }
            item.Template = template;
            item.AllValues = AllValues(recipient, item.Message.Values, today);
            item.Plan = Plan(template, recipient, oaRuledOut: false);
            if (item.Plan.Oa is { } oa) item.Choose(oa, TemplateFields.Render(TemplateFields.Parse(template.OaFieldsJson), item.AllValues));
            else if (item.Plan.MpTemplateId is null) item.Settle(DeliveryStatus.Undeliverable, item.Plan.None(noConsentLeft: false).Reason);
        }
    }

    /// <summary>
    /// One INSERT claims every member's delivery (an OA one already as the attempt it stands for); a row that existed
    /// keeps what it says. The rows carry a claim token in <c>reason</c> so we can tell ours from one that was there.
    /// Returns ours.
    /// </summary>
    private async Task<List<BatchItem>> ClaimAsync(MessageBatch batch, List<BatchItem> items, CancellationToken ct)
    {
        var now = Now;
        var token = DeliveryOutcome.ClaimPrefix + Guid.NewGuid().ToString("N");
        var rows = new MultiRow();
        var kind = rows.Param(batch.Kind);
        var occasion = rows.Param(batch.OccasionKey);
        var campaign = rows.Param(batch.CampaignId);
        var at = rows.Param(now);
        var claim = rows.Param(token);
        var pending = rows.Param(nameof(DeliveryStatus.Pending));
        var values = rows.Values(items.Select(i => new object?[]
        {
            i.MemberId, i.Choice?.Channel.ToString() ?? nameof(DeliveryChannel.None), i.Choice?.TemplateId,
            JsonSerializer.Serialize(i.Message.Values, TemplateFields.Json), i.DataJson, i.Choice is null ? 0 : 1,
        }), kind, occasion, campaign, pending, claim, at, at);
        await rows.ExecuteAsync(db, $"""
            INSERT INTO message_deliveries (member_id, channel, template_id, values_json, data_json, attempts,
                                            kind, occasion_key, campaign_id, status, reason, created_at, updated_at)
            VALUES {values}
            ON DUPLICATE KEY UPDATE id = id
            """, ct);

        var memberIds = items.Select(i => i.MemberId).ToList();
        var claimed = await db.MessageDeliveries.AsNoTracking()
            .Where(d => d.Kind == batch.Kind && d.OccasionKey == batch.OccasionKey && memberIds.Contains(d.MemberId))
            .Select(d => new { d.Id, d.MemberId, d.Reason }).ToDictionaryAsync(d => d.MemberId, ct);
        var mine = new List<BatchItem>(items.Count);
        foreach (var item in items)
        {
            var row = claimed[item.MemberId];
            item.DeliveryId = row.Id;
            if (row.Reason == token) mine.Add(item);
        }
        return mine;
    }

    /// <summary>A record that was there before the batch: what <see cref="SendAsync"/> does with one (resume a due pause, fail an interrupted send).</summary>
    private async Task<DeliveryOutcome> ContinueExistingAsync(long deliveryId, CancellationToken ct)
    {
        var delivery = await db.MessageDeliveries.SingleAsync(d => d.Id == deliveryId, ct);
        return await ContinueAsync(delivery, ct);
    }

    /// <summary>Members without the OA but with a mini-program identity: a credit each (atomic), then their attempt recorded in one statement.</summary>
    private async Task SpendCreditsAsync(List<BatchItem> mine, CancellationToken ct)
    {
        var chosen = new List<BatchItem>();
        foreach (var item in mine.Where(i => i.Choice is null && i.Status == DeliveryStatus.Pending))
        {
            if (await SpendCreditAsync(item.MemberId, item.Plan!.MpTemplateId!, ct))
            {
                item.Choose(item.Plan.Mini, TemplateFields.Render(TemplateFields.Parse(item.Template!.MpFieldsJson), item.AllValues!));
                chosen.Add(item);
            }
            else item.Settle(DeliveryStatus.Undeliverable, item.Plan.None(noConsentLeft: true).Reason);
        }
        if (chosen.Count == 0) return;
        var rows = new MultiRow();
        var at = rows.Param(Now);
        var derived = rows.Derived(["id", "channel", "template_id", "data_json"],
            chosen.Select(i => new object?[] { i.DeliveryId, i.Choice!.Channel.ToString(), i.Choice.TemplateId, i.DataJson }));
        await rows.ExecuteAsync(db, $"""
            UPDATE message_deliveries d JOIN ({derived}) v ON v.id = d.id
            SET d.channel = v.channel, d.template_id = v.template_id, d.data_json = v.data_json, d.attempts = d.attempts + 1, d.updated_at = {at}
            WHERE d.id IN ({MultiRow.Ids(chosen.Select(i => i.DeliveryId))})
            """, ct);
    }

    /// <summary>The channel's sends, as the pace grants slots: a reservation per chunk, the chunk's requests in parallel.</summary>
    private async Task SendAllAsync(List<BatchItem> mine, DeliveryChannel channel, int parallelism, CancellationToken ct)
    {
        var queue = mine.Where(i => i.Choice?.Channel == channel && i.Status == DeliveryStatus.Pending).ToList();
        if (queue.Count == 0) return;
        var appId = channel == DeliveryChannel.OfficialAccount ? wechat.OfficialAccountAppId : wechat.MiniProgramAppId;
        var quota = 0;
        for (var next = 0; next < queue.Count;)
        {
            var grant = Volatile.Read(ref quota) > 0 ? new ThrottleGrant(0, null) : await throttle.AcquireManyAsync(appId, queue.Count - next, ct);
            if (grant.Granted == 0)
            {
                var until = grant.PausedUntil ?? clock.UtcNow.AddMinutes(1);
                foreach (var item in queue.Skip(next))
                {
                    if (item.Choice!.Channel == DeliveryChannel.MiniProgram) await RefundCreditAsync(item.MemberId, item.Choice.TemplateId!, ct);
                    item.Settle(DeliveryStatus.Paused, "paused: the app's sends are paused (quota)", until);
                }
                break;
            }
            var chunk = queue.GetRange(next, grant.Granted);
            next += grant.Granted;
            await Parallel.ForEachAsync(chunk, new ParallelOptions { MaxDegreeOfParallelism = parallelism, CancellationToken = ct }, async (item, token) =>
            {
                // After a quota answer the rest is not sent: it would only be refused too.
                if (Volatile.Read(ref quota) > 0)
                {
                    item.Result = new GatewayResult(null, WechatCodes.DailyQuotaReached, "not sent: the app's quota ran out in this batch");
                    return;
                }
                var choice = item.Choice!;
                item.Result = channel == DeliveryChannel.OfficialAccount
                    ? await wechat.SendTemplateAsync(new OaTemplateMessage(choice.OpenId!, choice.TemplateId!, item.Data!, item.Template!.Page,
                        ClientMsgId: string.Create(CultureInfo.InvariantCulture, $"wl-delivery-{item.DeliveryId}")), token)
                    : await wechat.SendSubscribeAsync(new MpSubscribeMessage(choice.OpenId!, choice.TemplateId!, item.Data!, item.Template!.Page), token);
                if (item.Result.Errcode is WechatCodes.DailyQuotaReached or WechatCodes.MinuteRateLimited) Interlocked.Increment(ref quota);
            });
        }

        // The answers judged by the rule of single sends; the side effects (refunds, the app's pause, channel state) in order.
        var paused = false;
        foreach (var item in queue.Where(i => i.Result is not null))
        {
            var verdict = Judge(item.Result!, channel == DeliveryChannel.MiniProgram, clock.UtcNow, options.Value);
            if (verdict.PauseApp && paused) verdict = verdict with { PauseApp = false };
            paused |= verdict.PauseApp;
            await ApplySideEffectsAsync(verdict, item.MemberId, item.Choice!, appId, item.Result!.Errcode, ct);
            item.Apply(verdict);
        }
    }

    /// <summary>Every outcome of the batch in one statement, then the TEMPLATESENDJOBFINISH pushes that came before it.</summary>
    private async Task RecordAsync(List<BatchItem> items, CancellationToken ct)
    {
        if (items.Count == 0) return;
        var now = Now;
        var rows = new MultiRow();
        var at = rows.Param(now);
        var derived = rows.Derived(["id", "status", "channel", "template_id", "errcode", "msgid", "reason", "next_attempt_at", "finished_at"],
            items.Select(i => new object?[]
            {
                i.DeliveryId, i.Status.ToString(), (i.Status == DeliveryStatus.Undeliverable ? DeliveryChannel.None : i.Choice?.Channel ?? DeliveryChannel.None).ToString(),
                i.Status == DeliveryStatus.Undeliverable ? null : i.Choice?.TemplateId, i.Result?.Errcode, i.Status == DeliveryStatus.Sent ? i.Result?.Msgid : null,
                i.Reason, i.NextAttemptAt, i.Finished ? now : null,
            }));
        await rows.ExecuteAsync(db, $"""
            UPDATE message_deliveries d JOIN ({derived}) v ON v.id = d.id
            SET d.status = v.status, d.channel = v.channel, d.template_id = v.template_id, d.errcode = v.errcode, d.msgid = v.msgid,
                d.reason = v.reason, d.next_attempt_at = v.next_attempt_at, d.finished_at = v.finished_at, d.updated_at = {at}
            WHERE d.id IN ({MultiRow.Ids(items.Select(i => i.DeliveryId))})
            """, ct);

        var oaSent = items.Where(i => i.Status == DeliveryStatus.Sent && i.Choice?.Channel == DeliveryChannel.OfficialAccount).Select(i => i.DeliveryId).ToList();
        if (oaSent.Count > 0) await SettleWaitingAsync(oaSent, now, ct);
    }

    /// <summary>
    /// Pushes that came before the record. The outcomes are recorded already; should this fail (a lock conflict with
    /// pushes arriving), the events stay unprocessed and the sweep job settles them, so the batch goes on.
    /// </summary>
    private async Task SettleWaitingAsync(List<long> deliveryIds, DateTime now, CancellationToken ct)
    {
        try
        {
            await TemplateJobFinish.SettleWaitingAsync(db, deliveryIds, now, ct);
        }
        catch (Exception ex) when (IsLockConflict(ex) || IsLockConflict(ex.InnerException))
        {
            logger.LogWarning(ex, "Early TEMPLATESENDJOBFINISH pushes of {Count} deliveries not settled now; the sweep job settles them", deliveryIds.Count);
        }
    }

    private static bool IsLockConflict(Exception? ex) =>
        ex is MySqlConnector.MySqlException { ErrorCode: MySqlConnector.MySqlErrorCode.LockDeadlock or MySqlConnector.MySqlErrorCode.LockWaitTimeout };

    /// <summary>One member's part of a batch: the plan, the claim, the answer and the outcome.</summary>
    private sealed class BatchItem(BatchMessage message)
    {
        public BatchMessage Message { get; } = message;
        public long MemberId => Message.MemberId;
        public long DeliveryId { get; set; }
        public MessageTemplate? Template { get; set; }
        public Dictionary<string, string>? AllValues { get; set; }
        public ChannelPlan? Plan { get; set; }
        public ChannelChoice? Choice { get; private set; }
        public IReadOnlyDictionary<string, string>? Data { get; private set; }
        public string? DataJson => Data is null ? null : JsonSerializer.Serialize(Data, TemplateFields.Json);
        public GatewayResult? Result { get; set; }
        public Verdict? Verdict { get; private set; }
        public DeliveryStatus Status { get; private set; } = DeliveryStatus.Pending;
        public string? Reason { get; private set; }
        public DateTime? NextAttemptAt { get; private set; }
        public bool Finished { get; private set; }

        public void Choose(ChannelChoice choice, IReadOnlyDictionary<string, string> data)
        {
            Choice = choice;
            Data = data;
        }

        public void Settle(DeliveryStatus status, string? reason, DateTimeOffset? until = null)
        {
            Status = status;
            Reason = reason;
            NextAttemptAt = until?.UtcDateTime;
            Finished = status is not (DeliveryStatus.Paused or DeliveryStatus.Pending);
        }

        public void Apply(Verdict verdict)
        {
            Verdict = verdict;
            switch (verdict.Kind)
            {
                case VerdictKind.Sent:
                    Settle(DeliveryStatus.Sent, null);
                    Finished = verdict.Finished;
                    break;
                case VerdictKind.Paused:
                    Settle(DeliveryStatus.Paused, verdict.Reason, verdict.PausedUntil);
                    break;
                case VerdictKind.Failed:
                    Settle(DeliveryStatus.Failed, verdict.Reason);
                    break;
            }
        }

        public DeliveryOutcome Outcome() => new(DeliveryId, Status switch
        {
            DeliveryStatus.Sent or DeliveryStatus.Delivered => DeliveryOutcomeStatus.Sent,
            DeliveryStatus.Undeliverable => DeliveryOutcomeStatus.Undeliverable,
            DeliveryStatus.Paused => DeliveryOutcomeStatus.Paused,
            _ => DeliveryOutcomeStatus.Failed,
        }, Status == DeliveryStatus.Undeliverable ? DeliveryChannel.None : Choice?.Channel ?? DeliveryChannel.None, Reason, Result?.Errcode, NextAttemptAt);
    }
}
