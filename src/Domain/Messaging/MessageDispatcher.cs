using System.Globalization;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using WechatLoyalty.Domain.Common;
using WechatLoyalty.Domain.Data;

namespace WechatLoyalty.Domain.Messaging;

/// <summary>
/// Sends one member message on the right channel, exactly once per (member, kind, occasion): an official-account
/// template message if the member follows the OA, else a mini-program subscription message if a consent credit is
/// left (spending it), else the record says undeliverable and why. The record is claimed before WeChat is called,
/// so a retried job finds it and sends nothing; a quota answer (45009) pauses the app and the delivery, which the
/// resume job sends later. A record left Pending by a crash mid-send is failed, never resent: at most once.
/// </summary>
public sealed partial class MessageDispatcher(
    LoyaltyDbContext db,
    IWechatMessageGateway wechat,
    IMessageThrottle throttle,
    ProgrammeClock clock,
    IOptions<MessagingOptions> options,
    ILogger<MessageDispatcher> logger)
{
    private const int MaxOccasionKey = 96;
    private const int MaxReason = 256;

    public async Task<DeliveryOutcome> SendAsync(MessageRequest request, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(request);
        Validate(request.Kind, request.OccasionKey);

        var existing = await FindAsync(request.MemberId, request.Kind, request.OccasionKey, ct);
        if (existing is not null) return await ContinueAsync(existing, ct);

        var now = Now;
        var delivery = new MessageDelivery
        {
            MemberId = request.MemberId, Kind = request.Kind, OccasionKey = request.OccasionKey, CampaignId = request.CampaignId,
            Status = DeliveryStatus.Pending, ValuesJson = JsonSerializer.Serialize(request.Values, TemplateFields.Json), CreatedAt = now, UpdatedAt = now,
        };
        db.MessageDeliveries.Add(delivery);
        try
        {
            await db.SaveChangesAsync(ct);
        }
        catch (DbUpdateException ex) when (ex.IsDuplicateKey())
        {
            // A concurrent call claimed the same occasion first: it sends, we do not.
            db.Entry(delivery).State = EntityState.Detached;
            var winner = await FindAsync(request.MemberId, request.Kind, request.OccasionKey, ct)
                ?? throw new InvalidOperationException("A duplicate delivery vanished.", ex);
            return DeliveryOutcome.From(winner, DeliveryOutcomeStatus.Skipped);
        }
        return await AttemptAsync(delivery, request.Values, ct);
    }

    /// <summary>Sends a paused delivery that is due (the resume job); anything else is left as it is.</summary>
    public async Task<DeliveryOutcome> ResumeAsync(long deliveryId, CancellationToken ct)
    {
        var delivery = await db.MessageDeliveries.SingleOrDefaultAsync(d => d.Id == deliveryId, ct)
            ?? throw new DomainException("messages.delivery_unknown", "No such delivery.", DomainErrorKind.NotFound);
        return await ContinueAsync(delivery, ct);
    }

    private async Task<DeliveryOutcome> ContinueAsync(MessageDelivery delivery, CancellationToken ct)
    {
        var now = Now;
        if (delivery.Status == DeliveryStatus.Paused)
        {
            if (delivery.NextAttemptAt > now) return DeliveryOutcome.From(delivery, DeliveryOutcomeStatus.Paused);
            // Claim it: of two resumers only one moves it from Paused to Pending.
            var claimed = await db.MessageDeliveries.Where(d => d.Id == delivery.Id && d.Status == DeliveryStatus.Paused)
                .ExecuteUpdateAsync(s => s.SetProperty(d => d.Status, DeliveryStatus.Pending).SetProperty(d => d.UpdatedAt, now), ct);
            await db.Entry(delivery).ReloadAsync(ct);
            if (claimed == 0) return DeliveryOutcome.From(delivery, DeliveryOutcomeStatus.Skipped);
            var values = JsonSerializer.Deserialize<Dictionary<string, string>>(delivery.ValuesJson) ?? [];
            return await AttemptAsync(delivery, values, ct);
        }
        if (delivery.Status == DeliveryStatus.Pending && delivery.UpdatedAt < now.AddMinutes(-options.Value.PendingLeaseMinutes))
        {
            // Interrupted mid-send: WeChat may or may not have it. Sending again could deliver twice, so we stop here.
            var failed = await db.MessageDeliveries.Where(d => d.Id == delivery.Id && d.Status == DeliveryStatus.Pending && d.UpdatedAt == delivery.UpdatedAt)
                .ExecuteUpdateAsync(s => s.SetProperty(d => d.Status, DeliveryStatus.Failed)
                    .SetProperty(d => d.Reason, "interrupted while sending; outcome unknown, not resent")
                    .SetProperty(d => d.FinishedAt, now).SetProperty(d => d.UpdatedAt, now), ct);
            await db.Entry(delivery).ReloadAsync(ct);
            if (failed == 1) logger.LogWarning("Delivery {DeliveryId} was interrupted mid-send; marked failed, not resent", delivery.Id);
        }
        return DeliveryOutcome.From(delivery, DeliveryOutcomeStatus.Skipped);
    }

    private async Task<DeliveryOutcome> AttemptAsync(MessageDelivery delivery, IReadOnlyDictionary<string, string> values, CancellationToken ct,
        bool oaRuledOut = false)
    {
        var template = await db.MessageTemplates.AsNoTracking().SingleOrDefaultAsync(t => t.Kind == delivery.Kind && t.Enabled, ct);
        if (template is null)
            return await FinishAsync(delivery, DeliveryStatus.Undeliverable, $"no enabled template registered for {delivery.Kind}", ct);
        var recipient = await LoadRecipientAsync(delivery.MemberId, ct);
        if (recipient is null)
            return await FinishAsync(delivery, DeliveryStatus.Undeliverable, "member unknown or deleted", ct);

        var allValues = AllValues(recipient, values, clock.Today);
        var triedOa = oaRuledOut;
        while (true)
        {
            var choice = await ChooseAsync(template, recipient, triedOa, ct);
            if (choice.Channel == DeliveryChannel.None)
                return await FinishAsync(delivery, DeliveryStatus.Undeliverable, choice.Reason, ct, keepErrcode: true);

            var appId = choice.Channel == DeliveryChannel.OfficialAccount ? wechat.OfficialAccountAppId : wechat.MiniProgramAppId;
            var data = TemplateFields.Render(TemplateFields.Parse(choice.Channel == DeliveryChannel.OfficialAccount ? template.OaFieldsJson : template.MpFieldsJson), allValues);
            var slot = await throttle.AcquireAsync(appId, ct);
            if (!slot.Allowed)
            {
                if (choice.Channel == DeliveryChannel.MiniProgram) await RefundCreditAsync(delivery.MemberId, choice.TemplateId!, ct);
                return await PauseAsync(delivery, choice, slot.PausedUntil ?? clock.UtcNow.AddMinutes(1), null, "paused: the app's sends are paused (quota)", ct);
            }

            delivery.Channel = choice.Channel;
            delivery.TemplateId = choice.TemplateId;
            delivery.DataJson = JsonSerializer.Serialize(data, TemplateFields.Json);
            delivery.Status = DeliveryStatus.Pending;
            delivery.Attempts++;
            delivery.UpdatedAt = Now;
            await db.SaveChangesAsync(ct);

            var result = choice.Channel == DeliveryChannel.OfficialAccount
                ? await wechat.SendTemplateAsync(new OaTemplateMessage(choice.OpenId!, choice.TemplateId!, data, template.Page,
                    ClientMsgId: string.Create(CultureInfo.InvariantCulture, $"wl-delivery-{delivery.Id}")), ct)
                : await wechat.SendSubscribeAsync(new MpSubscribeMessage(choice.OpenId!, choice.TemplateId!, data, template.Page), ct);

            var outcome = await HandleResultAsync(delivery, choice, appId, result, ct);
            if (outcome is not null) return outcome;
            // 43004: the member does not follow after all; the state is updated, so choose again (consent, or none).
            triedOa = true;
        }
    }

    private async Task<DeliveryOutcome?> HandleResultAsync(MessageDelivery delivery, ChannelChoice choice, string appId, GatewayResult result, CancellationToken ct)
    {
        delivery.Errcode = result.Errcode;
        var mini = choice.Channel == DeliveryChannel.MiniProgram;
        var verdict = Judge(result, mini, clock.UtcNow, options.Value);
        await ApplySideEffectsAsync(verdict, delivery.MemberId, choice, appId, result.Errcode, ct);
        switch (verdict.Kind)
        {
            case VerdictKind.Sent:
                delivery.Msgid = result.Msgid;
                delivery.Reason = null;
                var sent = await FinishAsync(delivery, DeliveryStatus.Sent, null, ct, keepErrcode: true, finished: verdict.Finished);
                // WeChat's TEMPLATESENDJOBFINISH may have come in before the msgid was recorded: it waits for this.
                if (!mini) await TemplateJobFinish.SettleWaitingAsync(db, [delivery.Id], Now, ct);
                return sent;
            case VerdictKind.Paused:
                return await PauseAsync(delivery, choice, verdict.PausedUntil!.Value, result.Errcode, verdict.Reason!, ct);
            case VerdictKind.NotFollower:
                return null;
            default:
                return await FinishAsync(delivery, DeliveryStatus.Failed, verdict.Reason, ct, keepErrcode: true);
        }
    }

    private enum VerdictKind
    {
        Sent,
        Paused,

        /// <summary>43004 on the OA: record it and choose again (a consent credit, or none).</summary>
        NotFollower,
        Failed,
    }

    /// <summary>WeChat's answer to a send, judged: the one rule for single and batch sends.</summary>
    private sealed record Verdict(VerdictKind Kind, string? Reason = null, DateTimeOffset? PausedUntil = null, bool Finished = true,
        bool RefundCredit = false, bool PauseApp = false, bool Refused = false);

    private static Verdict Judge(GatewayResult result, bool mini, DateTimeOffset now, MessagingOptions options)
    {
        // An OA send ends with TEMPLATESENDJOBFINISH; a subscription send ends here.
        if (result.Succeeded) return new Verdict(VerdictKind.Sent, Finished: mini);
        // The request may have reached WeChat: never resent, and a spent credit stays spent.
        if (result.OutcomeUnknown) return new Verdict(VerdictKind.Failed, Clip($"outcome unknown (transport error: {result.Errmsg}); not resent"));
        switch (result.Errcode)
        {
            case WechatCodes.DailyQuotaReached or WechatCodes.MinuteRateLimited:
                var until = result.Errcode == WechatCodes.DailyQuotaReached ? now.AddMinutes(options.QuotaPauseMinutes) : now.AddMinutes(1);
                return new Verdict(VerdictKind.Paused, $"paused: WeChat quota ({result.Errcode}); resumes later", until, RefundCredit: mini, PauseApp: true);
            case WechatCodes.NotFollower when !mini:
                return new Verdict(VerdictKind.NotFollower);
            case WechatCodes.NoSubscriptionCredit when mini:
                return new Verdict(VerdictKind.Failed, "43101: the member refused or has no consent left for this template", Refused: true);
            default:
                // WeChat answered with an error: nothing was delivered, so the consent was not used up.
                return new Verdict(VerdictKind.Failed, Clip($"{result.Errcode}: {result.Errmsg}"), RefundCredit: mini);
        }
    }

    private async Task ApplySideEffectsAsync(Verdict verdict, long memberId, ChannelChoice choice, string appId, int? errcode, CancellationToken ct)
    {
        if (verdict.RefundCredit) await RefundCreditAsync(memberId, choice.TemplateId!, ct);
        if (verdict.PauseApp)
        {
            await throttle.PauseAsync(appId, verdict.PausedUntil!.Value, ct);
            logger.LogWarning("WeChat quota answer {Errcode} for app {AppId}: sends paused until {Until}", errcode, appId, verdict.PausedUntil);
        }
        if (verdict.Refused) await RecordRefusedAsync(memberId, choice.TemplateId!, ct);
        if (verdict.Kind == VerdictKind.NotFollower) await RecordNotFollowerAsync(memberId, choice.IdentityId!.Value, ct);
    }

    private async Task<DeliveryOutcome> PauseAsync(MessageDelivery delivery, ChannelChoice choice, DateTimeOffset until, int? errcode, string reason, CancellationToken ct)
    {
        delivery.Channel = choice.Channel;
        delivery.TemplateId = choice.TemplateId;
        delivery.Status = DeliveryStatus.Paused;
        delivery.Errcode = errcode ?? delivery.Errcode;
        delivery.Reason = reason;
        delivery.NextAttemptAt = until.UtcDateTime;
        delivery.UpdatedAt = Now;
        await db.SaveChangesAsync(ct);
        return DeliveryOutcome.From(delivery, DeliveryOutcomeStatus.Paused);
    }

    private async Task<DeliveryOutcome> FinishAsync(MessageDelivery delivery, DeliveryStatus status, string? reason, CancellationToken ct,
        bool keepErrcode = false, bool finished = true)
    {
        var now = Now;
        delivery.Status = status;
        delivery.Reason = reason;
        if (!keepErrcode) delivery.Errcode = null;
        delivery.NextAttemptAt = null;
        delivery.UpdatedAt = now;
        if (finished) delivery.FinishedAt = now;
        await db.SaveChangesAsync(ct);
        logger.LogInformation("Delivery {DeliveryId} of {Kind} to member {MemberId}: {Status} via {Channel} (errcode {Errcode})",
            delivery.Id, delivery.Kind, delivery.MemberId, status, delivery.Channel, delivery.Errcode);
        return DeliveryOutcome.From(delivery, status switch
        {
            DeliveryStatus.Sent or DeliveryStatus.Delivered => DeliveryOutcomeStatus.Sent,
            DeliveryStatus.Undeliverable => DeliveryOutcomeStatus.Undeliverable,
            _ => DeliveryOutcomeStatus.Failed,
        });
    }

    private static void Validate(string kind, string occasionKey)
    {
        if (!MessageKinds.IsKnown(kind))
            throw new DomainException("messages.kind_unknown", $"Unknown message kind '{kind}'.");
        if (string.IsNullOrWhiteSpace(occasionKey) || occasionKey.Length > MaxOccasionKey)
            throw new DomainException("messages.occasion_invalid", $"The occasion key must be 1-{MaxOccasionKey} characters.");
    }

    private Task<MessageDelivery?> FindAsync(long memberId, string kind, string occasion, CancellationToken ct) =>
        db.MessageDeliveries.SingleOrDefaultAsync(d => d.MemberId == memberId && d.Kind == kind && d.OccasionKey == occasion, ct);

    private DateTime Now => clock.UtcNow.UtcDateTime;

    private static string Clip(string text) => text.Length <= MaxReason ? text : text[..MaxReason];
}
