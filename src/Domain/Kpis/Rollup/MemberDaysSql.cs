namespace WechatLoyalty.Domain.Kpis.Rollup;

/// <summary>
/// The SQL that turns payments into <see cref="KpiMemberDay"/> rows: used by the refresh to write them and by the
/// panels to compute, on the fly, the members whose payments changed since the last refresh.
/// </summary>
internal static class MemberDaysSql
{
    public const string Columns = "day, member_id, store_id, orders, net_fen, prev_day, next_day, d2, d3, d4, d5, d6";

    /// <summary>
    /// A SELECT of the member-day rows (<see cref="Columns"/>) of the members <paramref name="memberCondition"/>
    /// (over payments p) picks. Windows over each member's paid payments in time order give the 2nd..6th purchase
    /// counted from every payment; a day's row keeps those of its first payment. <paramref name="localPaidAt"/> is
    /// <see cref="KpiSql.Local"/> of p.paid_at.
    /// </summary>
    public static string Select(string memberCondition, string localPaidAt)
    {
        var day = $"DATE({localPaidAt})";
        string Lead(int k) => $"LEAD({day}, {k - 1}) OVER o AS d{k}";
        string First(int k) => $"COALESCE(MAX(CASE WHEN x.r = 1 THEN x.d{k} END), '9999-12-31') AS d{k}";
        return $"""
            SELECT g.day, g.member_id, m.store_id, g.orders, g.net_fen,
                   COALESCE(LAG(g.day) OVER w, '1000-01-01') AS prev_day, COALESCE(LEAD(g.day) OVER w, '9999-12-31') AS next_day,
                   g.d2, g.d3, g.d4, g.d5, g.d6
            FROM (SELECT x.member_id, x.day, COUNT(*) AS orders, SUM(x.net) AS net_fen, {First(2)}, {First(3)}, {First(4)}, {First(5)}, {First(6)}
                  FROM (SELECT p.member_id, {day} AS day, {PaidSql.Net} AS net,
                               ROW_NUMBER() OVER (PARTITION BY p.member_id, {day} ORDER BY p.paid_at, p.id) AS r,
                               {Lead(2)}, {Lead(3)}, {Lead(4)}, {Lead(5)}, {Lead(6)}
                        FROM payments p WHERE {memberCondition} AND {PaidSql.Paid}
                        WINDOW o AS (PARTITION BY p.member_id ORDER BY p.paid_at, p.id)) x
                  GROUP BY x.member_id, x.day) g
            JOIN members m ON m.id = g.member_id
            WINDOW w AS (PARTITION BY g.member_id ORDER BY g.day)
            """;
    }
}
