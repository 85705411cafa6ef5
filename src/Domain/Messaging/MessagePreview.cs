using System.Globalization;
using Microsoft.EntityFrameworkCore;
using WechatLoyalty.Domain.Common;

namespace WechatLoyalty.Domain.Messaging;

/// <summary>What a message would look like for a member, and the channel it would take: nothing is sent or spent.</summary>
public sealed record MessagePreviewResult(
    string Kind, long MemberId, DeliveryChannel Channel, string? Reason, string? TemplateId, string? Page,
    IReadOnlyDictionary<string, string> Values, IReadOnlyDictionary<string, string>? OaData, IReadOnlyDictionary<string, string>? MpData);

public sealed partial class MessageDispatcher
{
    /// <summary>Example values per kind, used where the preview request gives none.</summary>
    public static IReadOnlyDictionary<string, string> SampleValues(string kind, DateOnly today) => new Dictionary<string, string>
    {
        ["date"] = today.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
        ["points"] = "200",
        ["gift"] = "200积分",
        ["days"] = "30",
        ["balance"] = "1280",
        ["from"] = "銀卡 Silver",
        ["to"] = "金卡 Gold",
        ["direction"] = "升级",
    }.Where(v => MessageKinds.Values[kind].Contains(v.Key)).ToDictionary();

    public async Task<MessagePreviewResult> PreviewAsync(string kind, long memberId, IReadOnlyDictionary<string, string>? values, CancellationToken ct)
    {
        var template = await db.MessageTemplates.AsNoTracking().SingleOrDefaultAsync(t => t.Kind == kind, ct)
            ?? throw new DomainException("messages.template_unknown", $"No template is registered for {kind}.", DomainErrorKind.NotFound);
        var recipient = await LoadRecipientAsync(memberId, ct)
            ?? throw new DomainException("member.unknown", "No such member.", DomainErrorKind.NotFound);
        var given = values ?? SampleValues(kind, clock.Today);
        var all = recipient.CommonValues(clock.Today).Concat(given.Where(v => !MessageKinds.CommonValues.Contains(v.Key)))
            .GroupBy(v => v.Key).ToDictionary(g => g.Key, g => g.Last().Value, StringComparer.Ordinal);

        DeliveryChannel channel;
        string? reason = null, templateId = null;
        var reasons = new List<string>();
        if (template.OaTemplateId is not null && recipient.Follows && recipient.OaBlockedAt is null)
        {
            (channel, templateId) = (DeliveryChannel.OfficialAccount, template.OaTemplateId);
        }
        else
        {
            reasons.Add(template.OaTemplateId is null ? "no OA template" : recipient.Follows ? "blocks OA template messages" : "not an OA follower");
            var credits = template.MpTemplateId is null ? 0 : await db.SubscriptionCredits.AsNoTracking()
                .Where(c => c.MemberId == memberId && c.TemplateId == template.MpTemplateId && !c.Banned).Select(c => c.Credits).FirstOrDefaultAsync(ct);
            if (template.MpTemplateId is not null && recipient.MpOpenId is not null && credits > 0)
                (channel, templateId) = (DeliveryChannel.MiniProgram, template.MpTemplateId);
            else
            {
                reasons.Add(template.MpTemplateId is null ? "no mini-program template" : recipient.MpOpenId is null ? "no mini-program identity" : "no subscription consent left");
                channel = DeliveryChannel.None;
                reason = string.Join("; ", reasons);
            }
        }
        if (!template.Enabled) reason = "the template is disabled" + (reason is null ? "" : "; " + reason);
        return new MessagePreviewResult(kind, memberId, template.Enabled ? channel : DeliveryChannel.None, reason, templateId, template.Page, all,
            template.OaTemplateId is null ? null : TemplateFields.Render(TemplateFields.Parse(template.OaFieldsJson), all),
            template.MpTemplateId is null ? null : TemplateFields.Render(TemplateFields.Parse(template.MpFieldsJson), all));
    }
}
