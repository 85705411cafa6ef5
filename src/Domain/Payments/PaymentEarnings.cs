using Microsoft.EntityFrameworkCore;
using WechatLoyalty.Domain.Campaigns.Promotions;
using WechatLoyalty.Domain.Common;
using WechatLoyalty.Domain.Data;
using WechatLoyalty.Domain.Members;
using WechatLoyalty.Domain.Points;
using WechatLoyalty.Domain.Programme;
using WechatLoyalty.Domain.Tiers;

namespace WechatLoyalty.Domain.Payments;

/// <summary>A member locked for earning: the tier held when paying and, when locked by the ledger, the points account.</summary>
public sealed record EarningMember(long MemberId, string TierCode, PointsAccount? Account);

/// <summary>
/// What a member's payment earns, inside the caller's transaction with the member row already locked: the points
/// lot (tier multiplier of the tier held when paying; pending for the return window), then net spend and the
/// instant upgrade when the payment crosses a threshold, with the new tier's upgrade reward. Shared by the
/// recorder (payment of a member) and the claim (payment of someone who joined later).
/// </summary>
public sealed class PaymentEarnings(
    LoyaltyDbContext db, PointsLedger ledger, LedgerStore store, TierUpgrades upgrades, PointsPromotions promotions, ProgrammeClock clock)
{
    /// <summary>
    /// The points <paramref name="payment"/> earns at <paramref name="tierCode"/>. The recorder asks before it inserts
    /// the payment, so points_earned is written with the row instead of by a second UPDATE.
    /// </summary>
    public async Task<long> PointsAsync(Payment payment, string tierCode, ProgrammeRules rules, CancellationToken ct)
    {
        var tier = TierOf(rules, tierCode);
        // The best double-points promotion of the payment's day, store and tier (cached); a refund before a claim lowers the base.
        var boost = await promotions.BestForAsync(payment.StoreId, tier, payment.PaidAt, ct);
        return PointsRules.Earned(payment.PayerTotalFen - payment.RefundedFen, tier.PointsMultiplier, boost.Multiplier, boost.Compound);
    }

    /// <summary>
    /// Credits the payment's points and upgrades the tier it reaches. <paramref name="knownPoints"/> is what the caller
    /// already computed with <see cref="PointsAsync"/> (the recorder, for the INSERT); without it they are computed here.
    /// <paramref name="knownSpend"/> is the member's rolling-year net spend including this payment, when the caller
    /// summed it after writing the payment (the recorder does, in the INSERT's round trip).
    /// </summary>
    public async Task<(long Points, string? UpgradedTo)> ApplyAsync(
        Payment payment, EarningMember member, ProgrammeRules rules, CancellationToken ct, long? knownPoints = null, long? knownSpend = null)
    {
        var memberId = member.MemberId;
        var ladder = rules.Ladder;
        var now = clock.UtcNow;
        var tier = TierOf(rules, member.TierCode);
        var points = knownPoints ?? await PointsAsync(payment, member.TierCode, rules, ct);
        if (points > 0)
        {
            var pendingUntil = rules.PendingDays > 0 ? payment.PaidAt.AddDays(rules.PendingDays) : (DateTime?)null;
            var credit = new PointsCredit(memberId, points, PointSource.Purchase, LedgerKeys.Earn(payment.TransactionId),
                now.UtcDateTime, PointsRules.ExpiresAtUtc(now, rules.PointsExpiryMonths, clock), pendingUntil, payment.Id,
                $"Payment {payment.OutTradeNo}");
            // The member's lock from LockMemberAsync is reused when the account came with it (one lock per payment).
            await (member.Account is { } locked ? ledger.CreditAsync(credit, locked, ct) : ledger.CreditAsync(credit, ct));
            // The recorder wrote points_earned with the row; a claimed payment is older than its points.
            if (payment.PointsEarned != points)
                await db.Database.ExecuteSqlInterpolatedAsync($"UPDATE payments SET points_earned = {points} WHERE id = {payment.Id}", ct);
        }

        // The payment row is already written in this transaction, so the sum includes it (the credit writes no payment).
        var spend = knownSpend ?? await NetSpend.RollingYearAsync(db, clock, memberId, ct);
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

    /// <summary>
    /// Locks the member row and its movable lots (the ledger's lock order starts here) and returns its tier, or null
    /// when deleted or unknown. The account comes with it, so the payment's credit needs no second lock.
    /// </summary>
    public async Task<EarningMember?> LockMemberAsync(long memberId, CancellationToken ct) =>
        await store.LockMemberAsync(memberId, ct) is { DeletedAt: null } member
            ? new EarningMember(member.MemberId, member.TierCode, member.Account)
            : null;

    private static TierRule TierOf(ProgrammeRules rules, string tierCode) =>
        rules.Ladder.Tiers.FirstOrDefault(t => string.Equals(t.Code, tierCode, StringComparison.OrdinalIgnoreCase)) ?? rules.Ladder.Entry;
}
