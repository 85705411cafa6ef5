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
