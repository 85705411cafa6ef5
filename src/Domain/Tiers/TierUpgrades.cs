using System.Text.Json;
using WechatLoyalty.Domain.Common;
using WechatLoyalty.Domain.Data;
using WechatLoyalty.Domain.Members;
using WechatLoyalty.Domain.Messaging;
using WechatLoyalty.Domain.Points;
using WechatLoyalty.Domain.Programme;

namespace WechatLoyalty.Domain.Tiers;

/// <summary>
/// What follows a tier change, inside the transaction that made it: the member's message is queued, and an upgrade
/// grants the reward of every tier it passes, once per member and tier however the member got there (a payment or
/// the nightly recalculation) and however often they fall back and climb again.
/// </summary>
public sealed class TierUpgrades(LoyaltyDbContext db, PointsLedger ledger, ProgrammeClock clock)
{
    public static string MessageKey(long tierChangeId) => $"tier-change:{tierChangeId}";

    public void QueueMessage(TierChange change) =>
        db.MessageOutbox.Add(new OutboxMessage
        {
            MemberId = change.MemberId,
            Kind = OutboxKinds.TierChanged,
            PayloadJson = JsonSerializer.Serialize(new { from = change.FromTier, to = change.ToTier, reason = change.Reason.ToString() }),
            IdempotencyKey = MessageKey(change.Id),
            CreatedAt = change.ChangedAt,
        });

    public static bool AnyRewards(ProgrammeRules rules) => rules.Tiers.Any(t => t.UpgradeRewardPoints > 0);

    public async Task GrantRewardsAsync(long memberId, string? fromTier, string toTier, ProgrammeRules rules, CancellationToken ct)
    {
        var ladder = rules.Ladder;
        var from = ladder.Tiers.FirstOrDefault(t => t.Code == fromTier)?.ThresholdFen ?? -1;
        var to = ladder.Get(toTier).ThresholdFen;
        var now = clock.UtcNow;
        foreach (var passed in ladder.Tiers.Where(t => t.ThresholdFen > from && t.ThresholdFen <= to && t.UpgradeRewardPoints > 0))
        {
            await ledger.CreditAsync(new PointsCredit(memberId, passed.UpgradeRewardPoints, PointSource.TierUpgrade,
                LedgerKeys.TierUpgrade(memberId, passed.Code), now.UtcDateTime, PointsRules.ExpiresAtUtc(now, rules.PointsExpiryMonths, clock),
                Reason: $"Upgrade to {passed.Name}"), ct);
        }
    }
}
