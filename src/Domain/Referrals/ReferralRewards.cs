using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using WechatLoyalty.Domain.Common;
using WechatLoyalty.Domain.Data;
using WechatLoyalty.Domain.Payments;
using WechatLoyalty.Domain.Programme;

namespace WechatLoyalty.Domain.Referrals;

/// <summary>
/// The referrer's reward (loyalty-rules §6): earned by the new member's first paid purchase, pending until that
/// purchase's return window closes, reversed if it is refunded inside the window, and paid by
/// <see cref="ReferralRewardRelease"/>. The two hooks run inside the payment's and the refund's own transactions,
/// so a reward decision commits (or rolls back) with the money event that caused it.
/// <para>
/// Locks: the hooks lock referral rows only, never the referrer's member row, so they add no lock-order cycle to
/// the payment path (which holds the new member's row). A first purchase locks all of the referrer's referral rows
/// in index order, which serialises two friends of one referrer paying at the same moment (the cap count).
/// </para>
/// </summary>
public sealed class ReferralRewards(LoyaltyDbContext db, ProgrammeClock clock, IOptions<ReferralsOptions> options, ILogger<ReferralRewards> logger)
{
    /// <summary>
    /// The one indexed look-up that decides whether a member's payment concerns a referral at all: the referral awaiting
    /// this member's first purchase (columns id, referrer_member_id), or no row. The recorder sends it with its own
    /// statements (one round trip for all) and hands the answer to <see cref="OnPaymentRecordedAsync"/>. Null when the
    /// payment is too small to qualify.
    /// </summary>
    public FormattableString? AwaitingPurchaseQuery(long refereeId, long netPaidFen) =>
        netPaidFen < options.Value.QualifyingPurchaseFen
            ? null
            : (FormattableString)$"SELECT id, referrer_member_id FROM referrals WHERE referee_member_id = {refereeId} AND status = {ReferralStatus.AwaitingPurchase} LIMIT 1";

    /// <summary>
    /// Called by the payment recorder after a payment of a member was recorded, with the answer to
    /// <see cref="AwaitingPurchaseQuery"/> (read unlocked; decided again below under the referrer's lock). Nothing to do
    /// without a candidate.
    /// </summary>
    public async Task OnPaymentRecordedAsync(Payment payment, ProgrammeRules rules, ReferralCandidate? candidate, CancellationToken ct)
    {
        if (candidate is null || payment.MemberId is not { } refereeId || payment.PayerTotalFen - payment.RefundedFen < options.Value.QualifyingPurchaseFen) return;
        // Every referral of the referrer (this one included) locked in index order, before anything is decided: the
        // cap count cannot race, and two friends of one referrer paying at once queue here instead of deadlocking.
        await db.Database.ExecuteSqlInterpolatedAsync(
            $"SELECT id FROM referrals WHERE referrer_member_id = {candidate.ReferrerMemberId} ORDER BY referrer_member_id, reward_month, id FOR UPDATE", ct);
        ForgetTracked();
        var referral = await db.Referrals.SingleAsync(r => r.Id == candidate.Id, ct);
        if (referral.Status != ReferralStatus.AwaitingPurchase) return;

        referral.PaymentId = payment.Id;
        referral.PurchasedAt = payment.PaidAt;
        var people = await db.Members.AsNoTracking().Where(m => m.Id == referral.ReferrerMemberId || m.Id == refereeId)
            .Select(m => new { m.Id, m.UnionId, m.PhoneHash, m.DeletedAt }).ToListAsync(ct);
        var referrer = people.Single(p => p.Id == referral.ReferrerMemberId);
        var referee = people.Single(p => p.Id == refereeId);

        string? refusal = null;
        if (referrer.DeletedAt is not null) refusal = RefusalReasons.ReferrerDeleted;
        else if (ReferralRules.SelfReferral(new PersonKeys(referrer.UnionId, referrer.PhoneHash), new PersonKeys(referee.UnionId, referee.PhoneHash)) is { } self)
            refusal = self;
        else if (await db.MemberIdentities.AnyAsync(i => i.MemberId == referrer.Id && i.OpenId == payment.PayerOpenId, ct))
            refusal = RefusalReasons.SelfReferralPayer;
        if (refusal is not null)
        {
            await RefuseAsync(referral, refusal, null, ct);
            return;
        }

        var month = ReferralRules.RewardMonth(payment.PaidAt, clock.Zone);
        var rewarded = await db.Referrals.CountAsync(r => r.ReferrerMemberId == referral.ReferrerMemberId && r.RewardMonth == month
            && (r.Status == ReferralStatus.RewardPending || r.Status == ReferralStatus.RewardPaid), ct);
        if (ReferralRules.OverCap(rewarded, rules.ReferrerMonthlyRewardCap))
        {
            await RefuseAsync(referral, RefusalReasons.MonthlyCap, $"{rewarded} rewarded referrals in {month} (cap {rules.ReferrerMonthlyRewardCap})", ct);
            return;
        }

        referral.Status = ReferralStatus.RewardPending;
        referral.RewardMonth = month;
        referral.RewardPoints = rules.ReferrerRewardPoints;
        referral.RewardPendingUntil = ReferralRules.RewardPendingUntil(payment.PaidAt, rules.PendingDays);
        await db.SaveChangesAsync(ct);
        logger.LogInformation("Referral {ReferralId}: first paid purchase {PaymentId}; reward pending until {PendingUntil:o}",
            referral.Id, payment.Id, referral.RewardPendingUntil);
    }

    /// <summary>
    /// Called by the refund recorder after a successful refund of <paramref name="paymentId"/> was applied (its
    /// refunded amount already updated in this transaction). Reverses a pending reward inside the return window.
    /// </summary>
    public async Task OnRefundRecordedAsync(long paymentId, CancellationToken ct)
    {
        ForgetTracked();
        var referral = (await db.Referrals
            .FromSqlInterpolated($"SELECT * FROM referrals WHERE payment_id = {paymentId} AND status = {nameof(ReferralStatus.RewardPending)} FOR UPDATE")
            .ToListAsync(ct)).SingleOrDefault();
        if (referral is null) return;
        var payment = await db.Payments.AsNoTracking().Where(p => p.Id == paymentId)
            .Select(p => new { p.PayerTotalFen, p.RefundedFen }).SingleAsync(ct);
        var now = clock.UtcNow.UtcDateTime;
        if (!ReferralRules.ReverseOnRefund(payment.PayerTotalFen, payment.RefundedFen, options.Value.QualifyingPurchaseFen, now,
                referral.RewardPendingUntil ?? now)) return;
        referral.Status = ReferralStatus.RewardReversed;
        referral.RewardReversedAt = now;
        referral.RewardReason = RefusalReasons.PurchaseRefunded;
        await db.SaveChangesAsync(ct);
        logger.LogInformation("Referral {ReferralId}: reward reversed, purchase {PaymentId} refunded inside the return window", referral.Id, paymentId);
    }

    /// <summary>
    /// The caller's transaction may be a retry of one that rolled back: a referral tracked from that attempt would
    /// come back from the query with the attempt's unsaved decision, so it is forgotten first.
    /// </summary>
    private void ForgetTracked()
    {
        foreach (var entry in db.ChangeTracker.Entries<Referral>().ToList()) entry.State = EntityState.Detached;
    }

    private async Task RefuseAsync(Referral referral, string reason, string? detail, CancellationToken ct)
    {
        referral.Status = ReferralStatus.RewardRefused;
        referral.RewardReason = reason;
        db.ReferralRefusals.Add(new ReferralRefusal
        {
            Stage = ReferralStage.Reward, Reason = reason, ReferrerMemberId = referral.ReferrerMemberId, RefereeMemberId = referral.RefereeMemberId,
            ReferralId = referral.Id, Code = referral.Code, Detail = detail, At = clock.UtcNow.UtcDateTime,
        });
        await db.SaveChangesAsync(ct);
        logger.LogWarning("Referral {ReferralId}: reward refused: {Reason}", referral.Id, reason);
    }
}

/// <summary>A referral that was awaiting the referee's first purchase when the payment was recorded.</summary>
public sealed record ReferralCandidate(long Id, long ReferrerMemberId);
