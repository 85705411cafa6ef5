using Microsoft.EntityFrameworkCore;
using WechatLoyalty.Domain.Common;

namespace WechatLoyalty.Domain.Points;

/// <summary>
/// Points redeemed against an order: reserved at prepay (they leave the balance at once, soonest-expiring lots
/// first), confirmed when the order is paid (nothing moves), or released when it closes unpaid (back to the lots
/// they came from). Each step is idempotent by the order number. The redemption arithmetic (10 points = 1 CNY,
/// steps of 500, at most half the order) is the order's business; this only moves points.
/// </summary>
public sealed class PointsRedemption(LedgerStore store, ProgrammeClock clock)
{
    private const int MaxOrderNo = 32;

    /// <summary>Takes <paramref name="points"/> for order <paramref name="orderNo"/>; <c>points.insufficient</c> (409) if not there.</summary>
    public Task<LedgerResult> ReserveAsync(long memberId, string orderNo, long points, CancellationToken ct)
    {
        PointsLedger.Require(points > 0, "A redemption must be positive.");
        RequireOrderNo(orderNo);
        var key = LedgerKeys.Redeem(orderNo);
        void Verify(PointEntry e) => PointsLedger.SameRequest(e, memberId, -points);
        return store.RunAsync(key, Verify, async token =>
        {
            var account = await store.LockAsync(memberId, token);
            if (await store.FindAsync(key, token) is { } existing)
            {
                Verify(existing);
                return (existing, true);
            }
            var (entry, takes) = account.Spend(PointEntryKind.Redeem, key, points, allowDebt: false, $"Order {orderNo}");
            var reservation = new PointReservation
            {
                MemberId = memberId, OrderNo = orderNo, Points = points, Status = PointReservationStatus.Reserved, CreatedAt = account.Now,
            };
            reservation.Lots.AddRange(takes.Select(t => new PointReservationLot { LotId = t.Lot.Id, Points = t.Points }));
            store.Db.PointReservations.Add(reservation);
            await store.SaveAsync([account], token);
            return (entry, false);
        }, ct);
    }

    /// <summary>The order was paid: the reservation is final. Conflict if it was already released.</summary>
    public Task ConfirmAsync(string orderNo, CancellationToken ct)
    {
        RequireOrderNo(orderNo);
        return store.InTransactionAsync(async token =>
        {
            var reservation = await LockAsync(orderNo, token);
            if (reservation.Status == PointReservationStatus.Released)
                throw new DomainException("points.reservation_released", "The order's points were already released.", DomainErrorKind.Conflict);
            if (reservation.Status == PointReservationStatus.Reserved)
                await SetStatusAsync(reservation.Id, PointReservationStatus.Confirmed, token);
            return true;
        }, ct);
    }

    /// <summary>
    /// The order closed unpaid: the points go back to their lots (paying any debt first). Points whose lot expired
    /// while reserved stay gone, as they would have without the order. Conflict if the order was paid.
    /// </summary>
    public Task<LedgerResult> ReleaseAsync(string orderNo, CancellationToken ct)
    {
        RequireOrderNo(orderNo);
        var key = LedgerKeys.RedeemRelease(orderNo);
        return store.RunAsync(key, _ => { }, async token =>
        {
            var reservation = await LockAsync(orderNo, token);
            var account = await store.LockAsync(reservation.MemberId, token);
            if (await store.FindAsync(key, token) is { } existing) return (existing, true);
            if (reservation.Status == PointReservationStatus.Confirmed)
                throw new DomainException("points.reservation_confirmed", "The order was paid; its points are spent.", DomainErrorKind.Conflict);
            var allocations = await store.Db.PointReservationLots
                .FromSqlInterpolated($"SELECT * FROM point_reservation_lots WHERE reservation_id = {reservation.Id} FOR UPDATE")
                .AsNoTracking().ToListAsync(token);
            var (entry, _) = account.Restore(allocations.Select(a => (a.LotId, a.Points)), key, $"Order {orderNo} closed unpaid");
            await SetStatusAsync(reservation.Id, PointReservationStatus.Released, token);
            await store.SaveAsync([account], token);
            return (entry, false);
        }, ct);
    }

    /// <summary>
    /// A refund of the paid order gives back the refunded share of the points redeemed against it (loyalty-rules §3:
    /// the points paid part of the order, so a refund returns them as it returns the money; the points the payment
    /// earned are reversed separately, <see cref="PointsLedger.ReverseRefundAsync"/>). The share is
    /// <paramref name="refundFen"/> of <paramref name="totalFen"/> (amount.refund of amount.total), counted
    /// cumulatively so partial refunds add up to exactly the points redeemed. The points go back to the lots they came
    /// from, paying any debt first; points whose lot expired meanwhile stay expired, as
    /// when an unpaid order is released. Idempotent by <paramref name="refundId"/>; the reservation's RefundedFen
    /// never passes the order's total. Null when nothing was redeemed against the order.
    /// </summary>
    public async Task<LedgerResult?> ReturnForRefundAsync(string orderNo, string refundId, long refundFen, long totalFen, CancellationToken ct)
    {
        RequireOrderNo(orderNo);
        PointsLedger.Require(refundFen > 0 && totalFen > 0, "A refund and the order's total must be positive.");
        if (!await store.Db.PointReservations.AnyAsync(r => r.OrderNo == orderNo, ct)) return null;
        var key = LedgerKeys.RedeemRefund(refundId);
        PointsLedger.RequireKey(key);
        return await store.RunAsync(key, _ => { }, async token =>
        {
            var reservation = await LockAsync(orderNo, token);
            var account = await store.LockAsync(reservation.MemberId, token);
            if (await store.FindAsync(key, token) is { } existing) return (existing, true);
            if (reservation.Status != PointReservationStatus.Confirmed)
                throw new DomainException("points.reservation_not_confirmed", "The order's points were never spent.", DomainErrorKind.Conflict);
            var after = reservation.RefundedFen + refundFen;
            if (after > totalFen)
                throw new DomainException("refund.exceeds_payment", "Refunds would exceed the payment.", DomainErrorKind.Conflict);
            var returnedBefore = RedeemedShare(reservation.Points, reservation.RefundedFen, totalFen);
            var points = RedeemedShare(reservation.Points, after, totalFen) - returnedBefore;
            var allocations = await store.Db.PointReservationLots
                .FromSqlInterpolated($"SELECT * FROM point_reservation_lots WHERE reservation_id = {reservation.Id} FOR UPDATE")
                .AsNoTracking().ToListAsync(token);
            var (entry, _) = account.Restore(TakeFrom(allocations, returnedBefore, points), key,
                $"Order {orderNo} refunded: {points} of {reservation.Points} redeemed points back");
            await store.Db.Database.ExecuteSqlInterpolatedAsync(
                $"UPDATE point_reservations SET refunded_fen = {after} WHERE id = {reservation.Id}", token);
            await store.SaveAsync([account], token);
            return (entry, false);
        }, ct);
    }

    /// <summary>Redeemed points given back once <paramref name="refundedFen"/> of <paramref name="totalFen"/> is refunded (rounded down).</summary>
    public static long RedeemedShare(long redeemedPoints, long refundedFen, long totalFen) =>
        (long)((System.Numerics.BigInteger)redeemedPoints * refundedFen / totalFen);

    /// <summary>
    /// The allocations of the points given back now: the reservation's allocations in lot order (stable, so each
    /// refund gives back the next points and none twice), skipping the <paramref name="skip"/> points earlier
    /// refunds gave back.
    /// </summary>
    internal static IReadOnlyList<(long LotId, long Points)> TakeFrom(IEnumerable<PointReservationLot> allocations, long skip, long points)
    {
        var result = new List<(long, long)>();
        foreach (var a in allocations.OrderBy(a => a.LotId))
        {
            if (points == 0) break;
            var available = a.Points;
            var skipped = Math.Min(skip, available);
            skip -= skipped;
            available -= skipped;
            var n = Math.Min(points, available);
            if (n <= 0) continue;
            result.Add((a.LotId, n));
            points -= n;
        }
        return result;
    }

    /// <summary>
    /// Locks the reservation after its member, the ledger's lock order: the member id is read first (it never
    /// changes), the member locked, then the reservation re-read with a lock for its current status.
    /// </summary>
    private async Task<PointReservation> LockAsync(string orderNo, CancellationToken ct)
    {
        var memberId = await store.Db.PointReservations.Where(r => r.OrderNo == orderNo).Select(r => (long?)r.MemberId).SingleOrDefaultAsync(ct)
            ?? throw new DomainException("points.reservation_unknown", "No points were reserved for this order.", DomainErrorKind.NotFound);
        await store.Db.Members.FromSqlInterpolated($"SELECT * FROM members WHERE id = {memberId} FOR UPDATE").AsNoTracking().ToListAsync(ct);
        return (await store.Db.PointReservations
            .FromSqlInterpolated($"SELECT * FROM point_reservations WHERE order_no = {orderNo} FOR UPDATE")
            .AsNoTracking().ToListAsync(ct)).Single();
    }

    private Task SetStatusAsync(long reservationId, PointReservationStatus status, CancellationToken ct) =>
        store.Db.Database.ExecuteSqlInterpolatedAsync(
            $"UPDATE point_reservations SET status = {status.ToString()}, settled_at = {clock.UtcNow.UtcDateTime} WHERE id = {reservationId}", ct);

    private static void RequireOrderNo(string orderNo) =>
        PointsLedger.Require(!string.IsNullOrWhiteSpace(orderNo) && orderNo.Length <= MaxOrderNo, "An order number (up to 32 characters) is required.");
}
