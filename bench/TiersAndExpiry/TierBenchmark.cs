using System.Diagnostics;
using WechatLoyalty.Domain.Members;
using WechatLoyalty.Domain.Programme;
using WechatLoyalty.Domain.Tiers;

namespace WechatLoyalty.TiersAndExpiry;

/// <summary>
/// TierRecalculation.RunAsync over every member vs the raw aggregate it is built on, read to the last row. Each
/// repeat starts from the generated tier state (bench_member_tiers) with no tier_changes; the order alternates so
/// neither side always finds the buffer pool warmed by the other.
/// </summary>
internal static class TierBenchmark
{
    public const string RawQuery = """
        SELECT member_id, SUM(payer_total_fen - refunded_fen) FROM payments WHERE paid_at >= @from GROUP BY member_id
        """;

    /// <summary>The index the bench proposes (created with raw SQL in the bench database only).</summary>
    public const string ProposedIndex = "bench_ix_payments_member_id_paid_at_spend";

    public static DateTime WindowStart(DateTime now) => NetSpend.WindowStartUtc(Services.Clock(now));

    public static async Task<Comparison> RunAsync(Sql sql, BenchOptions options, DateTime now, string label)
    {
        var comparison = new Comparison($"Tier recalculation ({label})", "≤ 1.5×");
        var from = WindowStart(now);
        Console.WriteLine($"Tier recalculation vs raw GROUP BY ({label}); window from {from:yyyy-MM-dd HH:mm} UTC");
        foreach (var row in await sql.RowsAsync("EXPLAIN " + RawQuery, ("@from", from)))
            comparison.Notes.Add("raw plan: " + string.Join(" | ", row.Select(v => v ?? "NULL")));
        foreach (var row in await sql.RowsAsync($"""
            EXPLAIN SELECT m.id, m.tier_code, m.tier_reached_at, COALESCE(SUM(p.payer_total_fen - p.refunded_fen), 0)
            FROM members m LEFT JOIN payments p ON p.member_id = m.id AND p.paid_at >= @from
            WHERE m.id > 0 AND m.id <= {TierRecalculation.DefaultWindow} AND m.deleted_at IS NULL
            GROUP BY m.id, m.tier_code, m.tier_reached_at
            """, ("@from", from)))
            comparison.Notes.Add("job window plan: " + string.Join(" | ", row.Select(v => v ?? "NULL")));

        await ResetAsync(sql);
        await Sql.StepAsync("warm-up: raw aggregate", () => ReadRawAsync(sql, from));
        for (var i = 0; i < options.Repeats; i++)
        {
            if (i % 2 == 0)
            {
                await RawAsync(sql, from, comparison, i);
                await JobAsync(sql, options, now, comparison, i);
            }
            else
            {
                await JobAsync(sql, options, now, comparison, i);
                await RawAsync(sql, from, comparison, i);
            }
        }
        Console.WriteLine($"  median job {comparison.JobMedian:0.0} s, raw {comparison.RawMedian:0.0} s, ratio {comparison.Ratio:0.00}×");
        return comparison;
    }

    private static async Task RawAsync(Sql sql, DateTime from, Comparison comparison, int repeat)
    {
        var (rows, spend) = (0L, 0L);
        var elapsed = await Sql.StepAsync($"raw aggregate #{repeat + 1}", async () => (rows, spend) = await ReadRawAsync(sql, from));
        comparison.RawSeconds.Add(elapsed.TotalSeconds);
        if (repeat == 0) comparison.Notes.Add($"raw aggregate returned {rows:N0} member rows, total net spend {spend / 100:N0} CNY");
    }

    private static async Task JobAsync(Sql sql, BenchOptions options, DateTime now, Comparison comparison, int repeat)
    {
        await ResetAsync(sql);
        await using var db = Services.NewContext(options);
        TierRecalculationResult? result = null;
        var elapsed = await Sql.StepAsync($"TierRecalculation.RunAsync #{repeat + 1}", async () =>
            result = await Services.Tiers(db, Services.Clock(now)).RunAsync(ProgrammePresets.AccessoryName));
        comparison.JobSeconds.Add(elapsed.TotalSeconds);
        var changes = await sql.ScalarAsync<long>("SELECT COUNT(*) FROM tier_changes");
        Console.WriteLine($"    {result!.Members:N0} members, {result.Upgraded:N0} up, {result.Downgraded:N0} down, {changes:N0} tier_changes rows");
        if (repeat == 0)
            comparison.Notes.Add($"job: {result.Members:N0} members recalculated, {result.Upgraded:N0} upgraded, {result.Downgraded:N0} downgraded " +
                $"({(result.Upgraded + result.Downgraded) * 100.0 / Math.Max(result.Members, 1):0.0}% changed), {changes:N0} tier_changes written");
    }

    public static async Task<(long Rows, long Spend)> ReadRawAsync(Sql sql, DateTime from)
    {
        await using var command = await sql.CommandAsync(RawQuery, ("@from", from));
        await using var reader = await command.ExecuteReaderAsync();
        long rows = 0, spend = 0;
        while (await reader.ReadAsync())
        {
            rows++;
            spend += reader.GetInt64(1);
        }
        return (rows, spend);
    }

    /// <summary>Back to the generated tiers: only rows the job changed are written.</summary>
    public static async Task ResetAsync(Sql sql)
    {
        var watch = Stopwatch.StartNew();
        await sql.ExecAsync("""
            UPDATE members m JOIN bench_member_tiers b ON b.member_id = m.id
            SET m.tier_code = b.tier_code, m.tier_reached_at = b.tier_reached_at
            WHERE m.tier_code <> b.tier_code OR m.tier_reached_at <> b.tier_reached_at
            """);
        await sql.ExecAsync("DELETE FROM tier_changes");
        Console.WriteLine($"    (reset tier state: {watch.Elapsed.TotalSeconds:0.0} s, untimed)");
    }
}
