using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;
using WechatLoyalty.Domain.Common;
using WechatLoyalty.Domain.Data;

namespace WechatLoyalty.Domain.Messaging;

/// <summary>
/// Records what <c>wx.requestSubscribeMessage</c> returned (at most 3 templates per call): accept adds one send
/// credit, reject and ban are recorded (ban stops sends of that template until a later accept), filter (WeChat hid
/// the template) is recorded only. Only templates in our registry are accepted.
/// </summary>
public sealed class SubscriptionConsents(LoyaltyDbContext db, ProgrammeClock clock, ILogger<SubscriptionConsents> logger)
{
    public const int MaxTemplatesPerCall = 3;

    public async Task<IReadOnlyList<SubscriptionCredit>> RecordAsync(long memberId, IReadOnlyDictionary<string, SubscriptionDecision> decisions, CancellationToken ct)
    {
        if (decisions.Count is 0 or > MaxTemplatesPerCall)
            throw new DomainException("subscriptions.count", $"Give the result of 1 to {MaxTemplatesPerCall} templates, as wx.requestSubscribeMessage returns it.");
        var known = await db.MessageTemplates.AsNoTracking().Where(t => t.MpTemplateId != null).Select(t => t.MpTemplateId!).ToListAsync(ct);
        if (decisions.Keys.FirstOrDefault(id => !known.Contains(id, StringComparer.Ordinal)) is { } unknown)
            throw new DomainException("subscriptions.template_unknown", $"'{unknown}' is not one of the programme's subscription templates.");

        var now = clock.UtcNow.UtcDateTime;
        foreach (var (templateId, decision) in decisions)
        {
            var accept = decision == SubscriptionDecision.Accept ? 1 : 0;
            var reject = decision == SubscriptionDecision.Reject ? 1 : 0;
            var ban = decision == SubscriptionDecision.Ban;
            var decisionName = decision.ToString();
            // One statement per template: concurrent results for the same member add up instead of overwriting.
            await db.Database.ExecuteSqlInterpolatedAsync($"""
                INSERT INTO message_subscription_credits (member_id, template_id, credits, accepted, rejected, banned, last_decision, last_decision_at, updated_at)
                VALUES ({memberId}, {templateId}, {accept}, {accept}, {reject}, {ban}, {decisionName}, {now}, {now})
                ON DUPLICATE KEY UPDATE credits = credits + VALUES(accepted), accepted = accepted + VALUES(accepted),
                    rejected = rejected + VALUES(rejected),
                    banned = CASE WHEN VALUES(last_decision) = 'Ban' THEN 1 WHEN VALUES(last_decision) = 'Accept' THEN 0 ELSE banned END,
                    last_decision = VALUES(last_decision), last_decision_at = VALUES(last_decision_at), updated_at = VALUES(updated_at)
                """, ct);
        }
        logger.LogInformation("Member {MemberId} subscription results recorded for {Count} template(s)", memberId, decisions.Count);
        return await CreditsAsync(memberId, ct);
    }

    public Task<List<SubscriptionCredit>> CreditsAsync(long memberId, CancellationToken ct) =>
        db.SubscriptionCredits.AsNoTracking().Where(c => c.MemberId == memberId).OrderBy(c => c.TemplateId).ToListAsync(ct);

    /// <summary>Parses the client's result string (accept, reject, ban, filter), else a 400.</summary>
    public static SubscriptionDecision ParseDecision(string templateId, string? value) => value?.ToLowerInvariant() switch
    {
        "accept" => SubscriptionDecision.Accept,
        "reject" => SubscriptionDecision.Reject,
        "ban" => SubscriptionDecision.Ban,
        "filter" => SubscriptionDecision.Filter,
        _ => throw new DomainException("subscriptions.decision", $"The result for '{templateId}' must be accept, reject, ban or filter."),
    };
}
