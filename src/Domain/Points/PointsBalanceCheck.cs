using Microsoft.EntityFrameworkCore;
using WechatLoyalty.Domain.Data;

namespace WechatLoyalty.Domain.Points;

/// <summary>A member whose stored balances disagree with the ledger or with the lots.</summary>
public sealed record BalanceMismatch(
    long MemberId, long PointsBalance, long PendingPoints, long LedgerBalance, long LedgerPending, long LotsAvailable, long LotsPending);

/// <summary>
/// The nightly check that the stored balances equal the ledger, computed in SQL over a window of member ids so a
/// million members are checked in bounded queries. A member is consistent when
/// PointsBalance = SUM(entries.delta), PendingPoints = SUM(entries.pending_delta) = SUM(pending lots.remaining),
/// and max(PointsBalance, 0) = SUM(available lots.remaining) (a negative balance is a debt, held by no lot).
/// </summary>
public sealed class PointsBalanceCheck(LoyaltyDbContext db)
{
    public const int DefaultWindow = 10_000;

    /// <summary>Mismatches among members with <paramref name="fromId"/> &lt; id &lt;= <paramref name="toId"/>.</summary>
    public async Task<List<BalanceMismatch>> FindMismatchesAsync(long fromId, long toId, CancellationToken ct)
    {
        // Anonymous rows so the filter translates to SQL (a record's constructor cannot be filtered on).
        var rows = await db.Members.AsNoTracking()
            .Where(m => m.Id > fromId && m.Id <= toId)
            .Select(m => new
            {
                m.Id, m.PointsBalance, m.PendingPoints,
                LedgerBalance = db.PointEntries.Where(e => e.MemberId == m.Id).Sum(e => (long?)e.Delta) ?? 0,
                LedgerPending = db.PointEntries.Where(e => e.MemberId == m.Id).Sum(e => (long?)e.PendingDelta) ?? 0,
                LotsAvailable = db.PointLots.Where(l => l.MemberId == m.Id && !l.IsPending).Sum(l => (long?)l.Remaining) ?? 0,
                LotsPending = db.PointLots.Where(l => l.MemberId == m.Id && l.IsPending).Sum(l => (long?)l.Remaining) ?? 0,
            })
            .Where(r => r.PointsBalance != r.LedgerBalance
                || r.PendingPoints != r.LedgerPending
                || r.PendingPoints != r.LotsPending
                || (r.PointsBalance > 0 ? r.PointsBalance : 0) != r.LotsAvailable)
            .OrderBy(r => r.Id)
            .ToListAsync(ct);
        return rows.Select(r => new BalanceMismatch(
            r.Id, r.PointsBalance, r.PendingPoints, r.LedgerBalance, r.LedgerPending, r.LotsAvailable, r.LotsPending)).ToList();
    }

    /// <summary>Every mismatch, window by window.</summary>
    public async Task<List<BalanceMismatch>> FindAllMismatchesAsync(int window = DefaultWindow, CancellationToken ct = default)
    {
        var maxId = await db.Members.MaxAsync(m => (long?)m.Id, ct) ?? 0;
        var all = new List<BalanceMismatch>();
        for (long from = 0; from < maxId; from += window)
            all.AddRange(await FindMismatchesAsync(from, from + window, ct));
        return all;
    }
}
