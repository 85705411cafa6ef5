using System.Globalization;
using Microsoft.EntityFrameworkCore;

namespace WechatLoyalty.Domain.Points;

/// <summary>
/// The expiry half of <see cref="PointsAccount.Settle"/>, set-based, for members the caller has locked (FOR UPDATE,
/// in id order, as every ledger operation locks) and who have no pending release due: then expiry is the whole of
/// settling, and it does not depend on the order of the lots (an expiring lot just gives up its remaining points,
/// from the available or the pending balance; nothing pays a debt). Three statements per batch, whatever its size:
/// the Expire entries (INSERT ... SELECT, one per member with points left in its due lots), the balances (a joined
/// aggregate), the lots. The entries and balances read the lots before the lots' UPDATE changes them; the member
/// locks keep every other writer out in between. The entries are what <see cref="PointsAccount"/> would write:
/// same key, delta, pending delta, balance after, lot and payment (single-lot entries only) and reason.
/// </summary>
internal static class ExpirySql
{
    // Only long member ids are inlined (the text depends on the ids, so EF caches nothing: these are raw commands).
    private const string Due = "l.member_id IN ({ids}) AND l.expired_at IS NULL AND l.expires_at <= @now";

    private const string InsertEntries = """
        INSERT INTO point_entries (member_id, kind, delta, pending_delta, balance_after, lot_id, payment_id,
                                   idempotency_key, reason, actor, created_at)
        SELECT l.member_id, 'Expire',
               -SUM(CASE WHEN l.is_pending THEN 0 ELSE l.remaining END),
               -SUM(CASE WHEN l.is_pending THEN l.remaining ELSE 0 END),
               MIN(m.points_balance) - SUM(CASE WHEN l.is_pending THEN 0 ELSE l.remaining END),
               CASE WHEN COUNT(*) = 1 THEN MIN(l.id) END,
               CASE WHEN COUNT(*) = 1 THEN MIN(l.payment_id) END,
               CONCAT('expire:lot:', MIN(l.id)),
               CASE WHEN COUNT(*) = 1 THEN CONCAT('Expired (earned ', DATE_FORMAT(MIN(l.earned_at), '%Y-%m-%d'), ')')
                    ELSE CONCAT('Expired (', COUNT(*), ' lots earned ', DATE_FORMAT(MIN(l.earned_at), '%Y-%m-%d'),
                                ' to ', DATE_FORMAT(MAX(l.earned_at), '%Y-%m-%d'), ')') END,
               NULL, @now
        FROM point_lots l JOIN members m ON m.id = l.member_id
        WHERE {due} AND l.remaining > 0
        GROUP BY l.member_id
        ORDER BY l.member_id
        """;

    private const string UpdateBalances = """
        UPDATE members m
        JOIN (SELECT l.member_id,
                     SUM(CASE WHEN l.is_pending THEN 0 ELSE l.remaining END) AS available,
                     SUM(CASE WHEN l.is_pending THEN l.remaining ELSE 0 END) AS pending
              FROM point_lots l WHERE {due} AND l.remaining > 0 GROUP BY l.member_id) x ON x.member_id = m.id
        SET m.points_balance = m.points_balance - x.available, m.pending_points = m.pending_points - x.pending
        """;

    // Spent lots (remaining 0) are marked expired too, without an entry, as Settle marks them.
    private const string UpdateLots = "UPDATE point_lots l SET l.remaining = 0, l.expired_at = @now WHERE {due}";

    /// <summary>Members among <paramref name="lockedIds"/> with a pending release due: they settle in memory.</summary>
    public static async Task<List<long>> WithReleaseDueAsync(DbContext db, IReadOnlyCollection<long> lockedIds, DateTime now, CancellationToken ct)
    {
        // Through the (is_pending, pending_until) index: the release job keeps that range small.
        var sql = "SELECT DISTINCT member_id AS Value FROM point_lots WHERE is_pending = 1 AND pending_until <= {0} AND member_id IN (" + Ids(lockedIds) + ")";
        return await db.Database.SqlQueryRaw<long>(sql, now).ToListAsync(ct);
    }

    /// <summary>Expires every due lot of <paramref name="lockedIds"/>; returns the entries written.</summary>
    public static async Task<int> ExpireAsync(DbContext db, IReadOnlyCollection<long> lockedIds, DateTime now, CancellationToken ct)
    {
        if (lockedIds.Count == 0) return 0;
        var due = Due.Replace("{ids}", Ids(lockedIds), StringComparison.Ordinal);
        string Text(string sql) => sql.Replace("{due}", due, StringComparison.Ordinal).Replace("@now", "{0}", StringComparison.Ordinal);
        var entries = await db.Database.ExecuteSqlRawAsync(Text(InsertEntries), [now], ct);
        if (entries > 0) await db.Database.ExecuteSqlRawAsync(Text(UpdateBalances), [now], ct);
        await db.Database.ExecuteSqlRawAsync(Text(UpdateLots), [now], ct);
        return entries;
    }

    private static string Ids(IEnumerable<long> ids) => string.Join(",", ids.Select(id => id.ToString(CultureInfo.InvariantCulture)));
}
