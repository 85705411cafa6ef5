using Microsoft.EntityFrameworkCore;
using WechatLoyalty.Domain.Common;
using WechatLoyalty.Domain.Programme;

namespace WechatLoyalty.Domain.Points;

/// <summary>
/// The only way points change: credits, refund reversals and manual adjustments (redemption is
/// <see cref="PointsRedemption"/>, expiry and pending release <see cref="PointsMaintenance"/>). Each call appends
/// one entry under its natural key; a replay writes nothing and returns the first outcome with Replayed = true.
/// Called inside a transaction, it joins it (the payment notification writes payment, lot and entry together);
/// otherwise it runs its own. Points are integers; amounts of money are fen.
/// </summary>
public sealed class PointsLedger(LedgerStore store, ProgrammeClock clock)
{
    private const int MaxReason = 200;
    private const int MaxActor = 64;
    private const int MaxKey = 96;

    /// <summary>Credits a new lot (purchase, welcome, referral, birthday, tier upgrade, campaign, manual).</summary>
    public Task<LedgerResult> CreditAsync(PointsCredit credit, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(credit);
        Require(credit.Points > 0, "A credit must be positive.");
        RequireKey(credit.IdempotencyKey);
        Require(credit.ExpiresAt > credit.EarnedAt, "A lot must expire after it was earned.");
        Require(credit.Reason is null || credit.Reason.Length <= MaxReason, "The reason is too long.");
        void Verify(PointEntry e) => SameRequest(e, credit.MemberId, credit.Points);
        return store.RunAsync(credit.IdempotencyKey, Verify, async token =>
        {
            var account = await store.LockAsync(credit.MemberId, token);
            if (await store.FindAsync(credit.IdempotencyKey, token) is { } existing)
            {
                Verify(existing);
                return (existing, true);
            }
            if (credit.ExpiresAt <= account.Now)
                throw new DomainException("points.expired", "These points would already have expired.");
            var entry = account.Credit(credit);
            await store.SaveAsync([account], token);
            return (entry, false);
        }, ct);
    }

    /// <summary>
    /// Credits into an account the caller locked in its own transaction (<see cref="LedgerStore.LockMemberAsync"/>)
    /// and has not saved since (what settling it found is saved with the credit): the payment recorder locks the member once for the tier and the credit. The key is
    /// not looked up first; a key that exists already still cannot be written twice: the insert meets the unique
    /// index, EF rolls back to its savepoint and the existing entry is returned as a replay (then the account is
    /// stale and must not be used again).
    /// </summary>
    public Task<LedgerResult> CreditAsync(PointsCredit credit, PointsAccount locked, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(credit);
        ArgumentNullException.ThrowIfNull(locked);
        Require(credit.Points > 0, "A credit must be positive.");
        RequireKey(credit.IdempotencyKey);
        Require(credit.ExpiresAt > credit.EarnedAt, "A lot must expire after it was earned.");
        Require(credit.Reason is null || credit.Reason.Length <= MaxReason, "The reason is too long.");
        Require(locked.MemberId == credit.MemberId, "The account must be the credited member's.");
        if (store.Db.Database.CurrentTransaction is null) throw new InvalidOperationException("A locked account only exists inside the transaction that locked it.");
        void Verify(PointEntry e) => SameRequest(e, credit.MemberId, credit.Points);
        return store.RunAsync(credit.IdempotencyKey, Verify, async token =>
        {
            if (credit.ExpiresAt <= locked.Now)
                throw new DomainException("points.expired", "These points would already have expired.");
            var entry = locked.Credit(credit);
            await store.SaveCreditAsync(locked, entry, token); // one round trip: this is the payment notification's path
            return (entry, false);
        }, ct);
    }

    /// <summary>
    /// Reverses the refunded share of a member's payment and records the refund on the payment (RefundedFen);
    /// refund handlers must not change RefundedFen themselves. Rejects refunds beyond the payment. The points come
    /// from the payment's own lot first, then the soonest-expiring available lots; the rest becomes debt.
    /// </summary>
    public Task<LedgerResult> ReverseRefundAsync(RefundReversal refund, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(refund);
        Require(refund.RefundFen > 0, "A refund must be positive.");
        var key = LedgerKeys.Refund(refund.RefundId);
        RequireKey(key);
        var db = store.Db;
        void Verify(PointEntry e)
        {
            if (e.PaymentId != refund.PaymentId) throw KeyReused();
        }
        return store.RunAsync(key, Verify, async token =>
        {
            var owner = await db.Payments.Where(p => p.Id == refund.PaymentId).Select(p => new { p.MemberId }).SingleOrDefaultAsync(token)
                ?? throw new DomainException("payment.unknown", "No such payment.", DomainErrorKind.NotFound);
            if (owner.MemberId is not { } memberId)
                throw new DomainException("payment.no_member", "The payment earned no member's points.", DomainErrorKind.Conflict);
            var account = await store.LockAsync(memberId, token);
            if (await store.FindAsync(key, token) is { } existing)
            {
                Verify(existing);
                return (existing, true);
            }
            var payment = (await db.Payments.FromSqlInterpolated($"SELECT * FROM payments WHERE id = {refund.PaymentId} FOR UPDATE")
                .AsNoTracking().ToListAsync(token)).Single();
            if (payment.RefundedFen + refund.RefundFen > payment.PayerTotalFen)
                throw new DomainException("refund.exceeds_payment", "Refunds would exceed the payment.", DomainErrorKind.Conflict);
            // What the payment earned is what its lots were credited with: the ledger's own record, not a copy.
            var earned = (await db.PointLots.FromSqlInterpolated($"SELECT * FROM point_lots WHERE payment_id = {payment.Id} FOR UPDATE")
                .AsNoTracking().ToListAsync(token)).Sum(l => l.Amount);
            var points = LotAllocation.RefundReversal(earned, payment.RefundedFen, refund.RefundFen, payment.PayerTotalFen);
            var entry = account.Refund(payment.Id, key, points, $"Refund {Fen.Format(refund.RefundFen)} CNY of payment {payment.OutTradeNo}");
            await db.Database.ExecuteSqlInterpolatedAsync(
                $"UPDATE payments SET refunded_fen = refunded_fen + {refund.RefundFen} WHERE id = {payment.Id}", token);
            await store.SaveAsync([account], token);
            return (entry, false);
        }, ct);
    }

    /// <summary>
    /// A manual adjustment with its reason and who made it. Positive: a new Manual lot with the programme's
    /// standard expiry. Negative: spent soonest-expiring first; below zero only when explicitly allowed (a debt).
    /// </summary>
    public Task<LedgerResult> AdjustAsync(ManualAdjustment adjustment, ProgrammeRules rules, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(adjustment);
        ArgumentNullException.ThrowIfNull(rules);
        Require(adjustment.Points != 0, "An adjustment must change the balance.");
        Require(!string.IsNullOrWhiteSpace(adjustment.Reason) && adjustment.Reason.Length <= MaxReason, "A reason (up to 200 characters) is required.");
        Require(!string.IsNullOrWhiteSpace(adjustment.Actor) && adjustment.Actor.Length <= MaxActor, "Who made the adjustment is required.");
        var key = LedgerKeys.Adjust(adjustment.RequestId);
        var reason = adjustment.Reason.Trim();
        void Verify(PointEntry e) => SameRequest(e, adjustment.MemberId, adjustment.Points);
        return store.RunAsync(key, Verify, async token =>
        {
            var account = await store.LockAsync(adjustment.MemberId, token);
            if (await store.FindAsync(key, token) is { } existing)
            {
                Verify(existing);
                return (existing, true);
            }
            PointEntry entry;
            if (adjustment.Points > 0)
            {
                var now = clock.UtcNow;
                entry = account.Credit(new PointsCredit(adjustment.MemberId, adjustment.Points, PointSource.Manual, key, now.UtcDateTime,
                    PointsRules.ExpiresAtUtc(now, rules.PointsExpiryMonths, clock), Reason: reason, Actor: adjustment.Actor));
            }
            else
            {
                entry = account.Spend(PointEntryKind.Adjust, key, -adjustment.Points, adjustment.AllowNegativeBalance, reason, adjustment.Actor).Entry;
            }
            await store.SaveAsync([account], token);
            return (entry, false);
        }, ct);
    }

    /// <summary>A replay must be the same event: same member, same number of points.</summary>
    internal static void SameRequest(PointEntry existing, long memberId, long points)
    {
        if (existing.MemberId != memberId || existing.Delta + existing.PendingDelta != points) throw KeyReused();
    }

    internal static DomainException KeyReused() =>
        new("points.key_reused", "This request id was already used for a different change.", DomainErrorKind.Conflict);

    internal static void RequireKey(string key) =>
        Require(!string.IsNullOrWhiteSpace(key) && key.Length <= MaxKey, "An idempotency key (up to 96 characters) is required.");

    internal static void Require(bool condition, string message)
    {
        if (!condition) throw new DomainException("points.invalid", message);
    }
}
