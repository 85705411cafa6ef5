using System.Globalization;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;
using WechatLoyalty.Domain.Data;

namespace WechatLoyalty.Domain.Kpis.Rollup;

/// <summary>What one refresh did.</summary>
public sealed record KpiRollupRun(bool Rebuilt, long Members, long Rows);

/// <summary>
/// Keeps <c>kpi_member_days</c> in step with payments. The first run (no state row) builds it for every member in
/// bounded member-id ranges; later runs rewrite only the members with a payment touched since the watermark: a
/// purchase, a refund on any past day, a claim. A member's rows are always rewritten whole (delete, insert, one
/// transaction), so a rerun after a crash or an overlap with another run changes nothing.
/// <para>
/// The new watermark is the server time the run started minus <see cref="Margin"/>: a payment updated just before the
/// run by a transaction that committed after the run read it is then still newer than the watermark, and is re-rolled
/// next time (and computed live by the panels meanwhile). Members never change their join store (the rows copy it)
/// and payments never lose their member, so payment changes are the only way the rows go stale.
/// </para>
/// </summary>
public sealed class KpiRollup(LoyaltyDbContext db, KpiSql sql, ILogger<KpiRollup> logger)
{
    public static readonly TimeSpan Margin = TimeSpan.FromMinutes(10);

    private const int RebuildRange = 50_000;
    private const int Batch = 500;
    private const long SortBytes = 256L * 1024 * 1024;

    public async Task<KpiRollupRun> RefreshAsync(Func<long, long?, Task>? progress = null, CancellationToken ct = default)
    {
        var started = Convert.ToDateTime((await sql.RowsAsync("SELECT NOW(6)", ct))[0][0], CultureInfo.InvariantCulture);
        var state = await sql.RowsAsync("SELECT watermark FROM kpi_rollup_state WHERE id = 1", ct);
        var run = state.Count == 0
            ? await RebuildAsync(progress, ct)
            : await RerollChangedAsync(state[0][0]!, progress, ct);
        await db.Database.ExecuteSqlRawAsync("""
            INSERT INTO kpi_rollup_state (id, watermark, refreshed_at) VALUES (1, {0}, {1})
            ON DUPLICATE KEY UPDATE watermark = VALUES(watermark), refreshed_at = VALUES(refreshed_at)
            """, [started - Margin, started], ct);
        logger.LogInformation("KPI rollup refreshed: {Members} member(s), {Rows} row(s), rebuilt {Rebuilt}", run.Members, run.Rows, run.Rebuilt);
        return run;
    }

    /// <summary>Forgets the rollup: the panels read payments until the next refresh rebuilds it.</summary>
    public async Task ResetAsync(CancellationToken ct = default)
    {
        await db.Database.ExecuteSqlRawAsync("DELETE FROM kpi_rollup_state", ct);
        await db.Database.ExecuteSqlRawAsync("TRUNCATE TABLE kpi_member_days", ct);
    }

    private async Task<KpiRollupRun> RebuildAsync(Func<long, long?, Task>? progress, CancellationToken ct)
    {
        await sql.ExecuteAsync("TRUNCATE TABLE kpi_member_days", ct);
        var maxId = KpiSql.Long((await sql.RowsAsync("SELECT MAX(id) FROM members", ct))[0][0]);
        long rows = 0;
        for (long from = 1; from <= maxId; from += RebuildRange)
        {
            var to = Math.Min(from + RebuildRange - 1, maxId);
            rows += await WriteAsync($"p.member_id BETWEEN {from} AND {to}", $"member_id BETWEEN {from} AND {to}", ct);
            if (progress is not null) await progress(to, maxId);
        }
        return new KpiRollupRun(true, maxId, rows);
    }

    private async Task<KpiRollupRun> RerollChangedAsync(object watermark, Func<long, long?, Task>? progress, CancellationToken ct)
    {
        var changed = (await sql.RowsAsync(
            "SELECT DISTINCT member_id FROM payments WHERE kpi_touched_at >= @watermark AND member_id IS NOT NULL ORDER BY member_id",
            ct, ("@watermark", watermark))).Select(r => KpiSql.Long(r[0])).ToList();
        long rows = 0;
        for (var i = 0; i < changed.Count; i += Batch)
        {
            var ids = string.Join(",", changed.Skip(i).Take(Batch).Select(id => id.ToString(CultureInfo.InvariantCulture)));
            rows += await WriteAsync($"p.member_id IN ({ids})", $"member_id IN ({ids})", ct);
            if (progress is not null) await progress(Math.Min(i + Batch, changed.Count), changed.Count);
        }
        return new KpiRollupRun(false, changed.Count, rows);
    }

    /// <summary>Rewrites the rows of the members the conditions pick, in one transaction.</summary>
    private Task<int> WriteAsync(string paymentCondition, string rowCondition, CancellationToken ct)
    {
        var strategy = db.Database.CreateExecutionStrategy();
        return strategy.ExecuteAsync(async () =>
        {
            await using var tx = await db.Database.BeginTransactionAsync(ct);
            await sql.ExecuteAsync($"DELETE FROM kpi_member_days WHERE {rowCondition}", ct);
            // The window functions sort a range's payments (about 400,000 for 50,000 members); in memory rather than
            // in on-disk temporary tables, which are slower and were seen to vanish from a shared tmpdir mid-build.
            var written = await sql.ExecuteAsync(
                $"SET STATEMENT tmp_table_size = {SortBytes}, max_heap_table_size = {SortBytes} FOR " +
                $"INSERT INTO kpi_member_days ({MemberDaysSql.Columns}) {MemberDaysSql.Select(paymentCondition, sql.LocalPaidAt())}", ct);
            await tx.CommitAsync(ct);
            return written;
        });
    }
}
