using System.Globalization;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;
using WechatLoyalty.Domain.Data;
using WechatLoyalty.Domain.Programme;

namespace WechatLoyalty.Domain.Messaging;

public sealed partial class MessageDispatcher
{
    private sealed record Recipient(long MemberId, string? Nickname, string MemberNo, string TierName,
        long? OaIdentityId, string? OaOpenId, bool Follows, string? MpOpenId, DateTime? OaBlockedAt)
    {
        public IEnumerable<KeyValuePair<string, string>> CommonValues(DateOnly today) =>
        [
            new("nickname", string.IsNullOrWhiteSpace(Nickname) ? "会员" : Nickname),
            new("memberNo", MemberNo),
            new("tier", TierName),
            new("today", today.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture)),
        ];
    }

    private sealed record ChannelChoice(DeliveryChannel Channel, string? TemplateId, string? OpenId, long? IdentityId, string Reason);

    private async Task<Recipient?> LoadRecipientAsync(long memberId, CancellationToken ct) =>
        (await LoadRecipientsAsync([memberId], ct)).GetValueOrDefault(memberId);

    /// <summary>Members (not deleted) with their identities, channel state and tier name: four set queries however many members.</summary>
    private async Task<Dictionary<long, Recipient>> LoadRecipientsAsync(IReadOnlyCollection<long> memberIds, CancellationToken ct)
    {
        var members = await db.Members.AsNoTracking().Where(m => memberIds.Contains(m.Id) && m.DeletedAt == null)
            .Select(m => new { m.Id, m.Nickname, m.MemberNo, m.TierCode }).ToListAsync(ct);
        if (members.Count == 0) return [];
        var found = members.Select(m => m.Id).ToList();
        var identities = (await db.MemberIdentities.AsNoTracking().Where(i => i.MemberId != null && found.Contains(i.MemberId.Value))
            .Select(i => new { i.Id, MemberId = i.MemberId!.Value, i.AppId, i.OpenId, i.Follows }).ToListAsync(ct)).ToLookup(i => i.MemberId);
        var blocked = await db.MemberChannelStates.AsNoTracking().Where(s => found.Contains(s.MemberId) && s.OaBlockedAt != null)
            .Select(s => new { s.MemberId, s.OaBlockedAt }).ToDictionaryAsync(s => s.MemberId, s => s.OaBlockedAt, ct);
        var rules = await new ProgrammeRulesStore(db, clock).GetActiveAsync(options.Value.Preset, ct);
        return members.ToDictionary(m => m.Id, m =>
        {
            var oa = identities[m.Id].FirstOrDefault(i => i.AppId == wechat.OfficialAccountAppId);
            var mp = identities[m.Id].FirstOrDefault(i => i.AppId == wechat.MiniProgramAppId);
            var tierName = rules.Tiers.FirstOrDefault(t => t.Code == m.TierCode)?.Name ?? m.TierCode;
            return new Recipient(m.Id, m.Nickname, m.MemberNo, tierName, oa?.Id, oa?.OpenId, oa?.Follows == true, mp?.OpenId, blocked.GetValueOrDefault(m.Id));
        });
    }

    /// <summary>The values a template is rendered with: the common ones (nickname, tier…) and the sender's.</summary>
    private static Dictionary<string, string> AllValues(Recipient recipient, IReadOnlyDictionary<string, string> values, DateOnly today) =>
        recipient.CommonValues(today).Concat(values.Where(v => !MessageKinds.CommonValues.Contains(v.Key)))
            .GroupBy(v => v.Key).ToDictionary(g => g.Key, g => g.Last().Value, StringComparer.Ordinal);

    /// <summary>
    /// The channel rule without the credit: the OA if following (and not blocked); otherwise whether a subscription
    /// credit may be tried (<see cref="ChannelPlan.MpTemplateId"/>), and why the channels ruled out were.
    /// </summary>
    private static ChannelPlan Plan(MessageTemplate template, Recipient recipient, bool oaRuledOut)
    {
        var reasons = new List<string>();
        if (template.OaTemplateId is null) reasons.Add("no OA template");
        else if (oaRuledOut) reasons.Add("not an OA follower (43004)");
        // Follows was read with the identities (LoadRecipientsAsync); a second read per send only cost a round trip.
        else if (recipient.OaOpenId is null || !recipient.Follows) reasons.Add("not an OA follower");
        else if (recipient.OaBlockedAt is not null) reasons.Add("blocks OA template messages");
        else return new ChannelPlan(new ChannelChoice(DeliveryChannel.OfficialAccount, template.OaTemplateId, recipient.OaOpenId, recipient.OaIdentityId, ""), null, null, reasons);

        if (template.MpTemplateId is null) reasons.Add("no mini-program template");
        else if (recipient.MpOpenId is null) reasons.Add("no mini-program identity");
        else return new ChannelPlan(null, template.MpTemplateId, recipient.MpOpenId, reasons);
        return new ChannelPlan(null, null, null, reasons);
    }

    private sealed record ChannelPlan(ChannelChoice? Oa, string? MpTemplateId, string? MpOpenId, List<string> Reasons)
    {
        public ChannelChoice Mini => new(DeliveryChannel.MiniProgram, MpTemplateId, MpOpenId, null, "");

        public ChannelChoice None(bool noConsentLeft)
        {
            if (noConsentLeft) Reasons.Add("no subscription consent left");
            return new ChannelChoice(DeliveryChannel.None, null, null, null, string.Join("; ", Reasons));
        }
    }

    /// <summary>OA if following (and not blocked), else a subscription credit (spent here, atomically), else none with the reason.</summary>
    private async Task<ChannelChoice> ChooseAsync(MessageTemplate template, Recipient recipient, bool oaRuledOut, CancellationToken ct)
    {
        var plan = Plan(template, recipient, oaRuledOut);
        if (plan.Oa is not null) return plan.Oa;
        if (plan.MpTemplateId is null) return plan.None(noConsentLeft: false);
        return await SpendCreditAsync(recipient.MemberId, plan.MpTemplateId, ct) ? plan.Mini : plan.None(noConsentLeft: true);
    }

    /// <summary>One credit, in one statement: two sends at once cannot both take the last one, and it never goes below zero.</summary>
    private async Task<bool> SpendCreditAsync(long memberId, string templateId, CancellationToken ct) =>
        await db.SubscriptionCredits.Where(c => c.MemberId == memberId && c.TemplateId == templateId && c.Credits > 0 && !c.Banned)
            .ExecuteUpdateAsync(s => s.SetProperty(c => c.Credits, c => c.Credits - 1).SetProperty(c => c.UpdatedAt, Now), ct) == 1;

    private Task RefundCreditAsync(long memberId, string templateId, CancellationToken ct) =>
        db.SubscriptionCredits.Where(c => c.MemberId == memberId && c.TemplateId == templateId)
            .ExecuteUpdateAsync(s => s.SetProperty(c => c.Credits, c => c.Credits + 1).SetProperty(c => c.UpdatedAt, Now), ct);

    /// <summary>43004: WeChat says the member does not follow. The identity says so from now on (unless a newer follow says otherwise).</summary>
    private async Task RecordNotFollowerAsync(long memberId, long identityId, CancellationToken ct)
    {
        var now = Now;
        await db.MemberIdentities.Where(i => i.Id == identityId && (i.FollowChangedAt == null || i.FollowChangedAt <= now))
            .ExecuteUpdateAsync(s => s.SetProperty(i => i.Follows, false).SetProperty(i => i.FollowChangedAt, now), ct);
        await UpsertStateAsync(memberId, WechatCodes.NotFollower, s => s.OaNotFollowerAt = now, ct);
        logger.LogInformation("Member {MemberId} does not follow the OA (43004); channel state updated", memberId);
    }

    /// <summary>43101: our count said there was a consent, WeChat says no. Trust WeChat: no credits left for that template.</summary>
    private async Task RecordRefusedAsync(long memberId, string templateId, CancellationToken ct)
    {
        var now = Now;
        await db.SubscriptionCredits.Where(c => c.MemberId == memberId && c.TemplateId == templateId)
            .ExecuteUpdateAsync(s => s.SetProperty(c => c.Credits, 0).SetProperty(c => c.UpdatedAt, now), ct);
        await UpsertStateAsync(memberId, WechatCodes.NoSubscriptionCredit, s => s.MpRefusedAt = now, ct);
        logger.LogInformation("Member {MemberId} refused template {TemplateId} (43101); credits cleared", memberId, templateId);
    }

    internal async Task UpsertStateAsync(long memberId, int? errcode, Action<MemberChannelState> change, CancellationToken ct)
    {
        for (var attempt = 0; ; attempt++)
        {
            var state = await db.MemberChannelStates.SingleOrDefaultAsync(s => s.MemberId == memberId, ct);
            if (state is null)
            {
                state = new MemberChannelState { MemberId = memberId };
                db.MemberChannelStates.Add(state);
            }
            change(state);
            state.LastErrcode = errcode ?? state.LastErrcode;
            state.UpdatedAt = Now;
            try
            {
                await db.SaveChangesAsync(ct);
                return;
            }
            catch (DbUpdateException ex) when (attempt == 0 && ex.IsDuplicateKey())
            {
                // Another send for the same member created the row first: update that one instead.
                db.Entry(state).State = EntityState.Detached;
            }
        }
    }
}
