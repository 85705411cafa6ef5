using Microsoft.EntityFrameworkCore;
using WechatLoyalty.Domain.Campaigns.Promotions;
using WechatLoyalty.Domain.Common;
using WechatLoyalty.Domain.Data;
using WechatLoyalty.Domain.Members;
using WechatLoyalty.Domain.Points;
using WechatLoyalty.Domain.Programme;
using WechatLoyalty.Domain.Tiers;

namespace WechatLoyalty.Domain.Payments;

/// <summary>
/// What a member's payment earns, inside the caller's transaction with the member row already locked: the points
/// lot (tier multiplier of the tier held when paying; pending for the return window), then net spend and the
/// instant upgrade when the payment crosses a threshold, with the new tier's upgrade reward. Shared by the
/// recorder (payment of a member) and the claim (payment of someone who joined later).
/// </summary>
public sealed class PaymentEarnings(
    LoyaltyDbContext db, PointsLedger ledger, TierUpgrades upgrades, PointsPromotions promotions, ProgrammeClock clock)
{
    public async Task<(long Points, string? UpgradedTo)> ApplyAsync(Payment payment, long memberId, string tierCode, ProgrammeRules rules, CancellationToken ct)
    {
        var ladder = rules.Ladder;
        var now = clock.UtcNow;
        var tier = ladder.Tiers.FirstOrDefault(t => string.Equals(t.Code, tierCode, StringComparison.OrdinalIgnoreCase)) ?? ladder.Entry;
        // The best double-points promotion of the payment's day, store and tier (cached); a refund before a claim lowers the base.
        var boost = await promotions.BestForAsync(payment.StoreId, tier, payment.PaidAt, ct);
        var points = PointsRules.Earned(payment.PayerTotalFen - payment.RefundedFen, tier.PointsMultiplier, boost.Multiplier, boost.Compound);
        if (points > 0)
        {
            var pendingUntil = rules.PendingDays > 0 ? payment.PaidAt.AddDays(rules.PendingDays) : (DateTime?)null;
            await ledger.CreditAsync(new PointsCredit(memberId, points, PointSource.Purchase, LedgerKeys.Earn(payment.TransactionId),
                now.UtcDateTime, PointsRules.ExpiresAtUtc(now, rules.PointsExpiryMonths, clock), pendingUntil, payment.Id,
                $"Payment {payment.OutTradeNo}"), ct);
            await db.Database.ExecuteSqlInterpolatedAsync($"UPDATE payments SET points_earned = {points} WHERE id = {payment.Id}", ct);
        }

        // The payment row is already written in this transaction, so the sum includes it.
        var spend = await NetSpend.RollingYearAsync(db, clock, memberId, ct);
        var qualifying = ladder.QualifyingTier(spend);
        if (qualifying.ThresholdFen <= tier.ThresholdFen) return (points, null);

        await db.Database.ExecuteSqlInterpolatedAsync(
            $"UPDATE members SET tier_code = {qualifying.Code}, tier_reached_at = {now.UtcDateTime} WHERE id = {memberId}", ct);
        var change = new TierChange
        {
            MemberId = memberId, FromTier = tier.Code, ToTier = qualifying.Code, Reason = TierChangeReason.Payment,
            NetSpendFen = spend, ChangedAt = now.UtcDateTime,
        };
        db.TierChanges.Add(change);
        await db.SaveChangesAsync(ct);
        upgrades.QueueMessage(change);
        await db.SaveChangesAsync(ct);
        await upgrades.GrantRewardsAsync(memberId, tier.Code, qualifying.Code, rules, ct);
        return (points, qualifying.Code);
    }

    /// <summary>Locks the member row (the ledger's lock order starts here) and returns its tier, or null when deleted or unknown.</summary>
    public async Task<string?> LockMemberAsync(long memberId, CancellationToken ct)
    {
        var member = (await db.Members.FromSqlInterpolated($"SELECT * FROM members WHERE id = {memberId} FOR UPDATE")
            .AsNoTracking().ToListAsync(ct)).SingleOrDefault();
        return member is { DeletedAt: null } ? member.TierCode : null;
    }
}
