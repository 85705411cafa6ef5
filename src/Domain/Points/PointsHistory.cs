using Microsoft.EntityFrameworkCore;
using WechatLoyalty.Domain.Data;

namespace WechatLoyalty.Domain.Points;

public sealed record PointsHistoryItem(
    long Id, PointEntryKind Kind, long Delta, long PendingDelta, long BalanceAfter, string? Reason, DateTime CreatedAt);

/// <summary>A page of history, newest first; pass <see cref="NextBefore"/> to get the next (older) page.</summary>
public sealed record PointsHistoryPage(IReadOnlyList<PointsHistoryItem> Items, long? NextBefore);

/// <summary>
/// A member's ledger, newest first, paged by entry id (keyset) rather than offset: entries only ever get appended,
/// so a page never shifts under the reader and deep pages cost the same as the first (index member_id, id).
/// </summary>
public sealed class PointsHistory(LoyaltyDbContext db)
{
    public const int MaxPageSize = 100;

    public async Task<PointsHistoryPage> GetPageAsync(long memberId, long? before, int pageSize, CancellationToken ct)
    {
        pageSize = Math.Clamp(pageSize, 1, MaxPageSize);
        var query = db.PointEntries.AsNoTracking().Where(e => e.MemberId == memberId);
        if (before is { } beforeId) query = query.Where(e => e.Id < beforeId);
        var items = await query.OrderByDescending(e => e.Id).Take(pageSize + 1)
            .Select(e => new PointsHistoryItem(e.Id, e.Kind, e.Delta, e.PendingDelta, e.BalanceAfter, e.Reason, e.CreatedAt))
            .ToListAsync(ct);
        var more = items.Count > pageSize;
        if (more) items.RemoveAt(items.Count - 1);
        return new PointsHistoryPage(items, more ? items[^1].Id : null);
    }
}
