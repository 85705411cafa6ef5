using System.Globalization;

namespace WechatLoyalty.Domain.Kpis.Rollup;

/// <summary>
/// The rollup as a panel sees it: the rows in <c>kpi_member_days</c>, except for the members whose payments changed
/// since the last refresh (a purchase today, a late refund, a claimed payment), whose rows are computed from
/// payments in the same statement. Null from <see cref="OpenAsync"/> when the panels must read payments instead.
/// </summary>
internal sealed class MemberDayRows
{
    /// <summary>Past this many changed members (the refresh has not run for long) computing them live costs more than the raw query.</summary>
    public const int MaxChangedMembers = 20_000;

    private readonly KpiSql _sql;
    private readonly IReadOnlyList<long> _changed;

    private MemberDayRows(KpiSql sql, IReadOnlyList<long> changed)
    {
        _sql = sql;
        _changed = changed;
    }

    public static async Task<MemberDayRows?> OpenAsync(KpiSql sql, CancellationToken ct)
    {
        if (!sql.UseRollup) return null;
        var state = await sql.RowsAsync("SELECT watermark FROM kpi_rollup_state WHERE id = 1", ct);
        if (state.Count == 0) return null;
        var changed = await sql.RowsAsync($"""
            SELECT DISTINCT member_id FROM payments WHERE kpi_touched_at >= @watermark AND member_id IS NOT NULL LIMIT {MaxChangedMembers + 1}
            """, ct, ("@watermark", state[0][0]));
        return changed.Count > MaxChangedMembers ? null : new MemberDayRows(sql, [.. changed.Select(r => KpiSql.Long(r[0]))]);
    }

    /// <summary>
    /// Runs <paramref name="query"/> (the text after SELECT: <paramref name="keys"/> key columns, then whole-number
    /// sums, over the row source it is given, aliased by the query) as rollup − stale rows of changed members + their
    /// fresh rows, in one statement (one consistent read), and adds the three up per key. Every panel statistic here
    /// is a sum over member-day rows, so the parts combine exactly.
    /// </summary>
    public async Task<List<object?[]>> SumAsync(Func<string, string> query, int keys, CancellationToken ct, params (string Name, object? Value)[] parameters)
    {
        var sql = $"SELECT 1, {query("kpi_member_days")}";
        if (_changed.Count > 0)
        {
            var ids = string.Join(",", _changed.Select(id => id.ToString(CultureInfo.InvariantCulture)));
            sql += $"""

                UNION ALL SELECT -1, {query($"(SELECT * FROM kpi_member_days WHERE member_id IN ({ids}))")}
                UNION ALL SELECT 1, {query($"({MemberDaysSql.Select($"p.member_id IN ({ids})", _sql.LocalPaidAt())})")}
                """;
        }
        var combined = new Dictionary<string, object?[]>(StringComparer.Ordinal);
        foreach (var row in await _sql.RowsAsync(sql, ct, parameters))
        {
            var sign = KpiSql.Long(row[0]);
            var key = string.Join("|", row.Skip(1).Take(keys).Select(k => Convert.ToString(k, CultureInfo.InvariantCulture)));
            if (!combined.TryGetValue(key, out var sums))
            {
                sums = [.. row.Skip(1).Take(keys), .. Enumerable.Repeat<object?>(0L, row.Length - 1 - keys)];
                combined[key] = sums;
            }
            for (var i = keys; i < sums.Length; i++) sums[i] = (long)sums[i]! + sign * KpiSql.Long(row[i + 1]);
        }
        // A key whose parts cancel out (a changed member's only rows) is a key the raw query would not return.
        return [.. combined.Values.Where(r => keys == 0 || r.Skip(keys).Any(v => (long)v! != 0))];
    }
}
