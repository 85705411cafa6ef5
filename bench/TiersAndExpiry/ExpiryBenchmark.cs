using System.Diagnostics;

namespace WechatLoyalty.TiersAndExpiry;

/// <summary>
/// PointsMaintenance.ExpireAllAsync over every lot vs one set-based UPDATE of an identical copy of the lots
/// (bench_lots_raw: same rows, same indexes, no foreign keys). Both use the same instant: the day after the last
/// lot expires, so every lot is due. The job also writes an Expire ledger entry per member (covering all its lots
/// that expire in the run) and each member's balance, under the members' locks; the raw UPDATE writes the lots only. Between repeats both sides are restored (untimed).
/// </summary>
internal static class ExpiryBenchmark
{
    private const string RawUpdate = """
        UPDATE bench_lots_raw SET remaining = 0, expired_at = @now WHERE expires_at < @now AND expired_at IS NULL
        """;

    public static async Task<Comparison> RunAsync(Sql sql, BenchOptions options, DateTime expiryNow)
    {
        var comparison = new Comparison("Points expiry", "≤ 1.5×");
        var earnMax = await sql.ScalarAsync<long>("SELECT COALESCE(MAX(id), 0) FROM point_lots");
        Console.WriteLine($"Points expiry vs raw UPDATE at {expiryNow:yyyy-MM-dd} (every lot due); batch size {options.ExpiryBatchSize}");
        foreach (var row in await sql.RowsAsync("EXPLAIN " + RawUpdate, ("@now", expiryNow)))
            comparison.Notes.Add("raw plan: " + string.Join(" | ", row.Select(v => v ?? "NULL")));
        foreach (var row in await sql.RowsAsync($"""
            EXPLAIN SELECT member_id, expires_at, id FROM point_lots WHERE expired_at IS NULL AND expires_at <= @now
            AND expires_at >= @now - INTERVAL 1 YEAR AND (expires_at > @now - INTERVAL 1 YEAR OR id > 0)
            ORDER BY expires_at, id LIMIT {options.ExpiryBatchSize}
            """, ("@now", expiryNow)))
            comparison.Notes.Add("job batch pick plan: " + string.Join(" | ", row.Select(v => v ?? "NULL")));

        for (var i = 0; i < options.Repeats; i++)
        {
            if (i % 2 == 0)
            {
                await RawAsync(sql, expiryNow, comparison, i);
                await JobAsync(sql, options, expiryNow, earnMax, comparison, i);
            }
            else
            {
                await JobAsync(sql, options, expiryNow, earnMax, comparison, i);
                await RawAsync(sql, expiryNow, comparison, i);
            }
        }
        Console.WriteLine($"  median job {comparison.JobMedian:0.0} s, raw {comparison.RawMedian:0.0} s, ratio {comparison.Ratio:0.00}×");
        return comparison;
    }

    private static async Task RawAsync(Sql sql, DateTime now, Comparison comparison, int repeat)
    {
        await ResetRawAsync(sql);
        var rows = 0;
        var elapsed = await Sql.StepAsync($"raw UPDATE #{repeat + 1}", async () => rows = await sql.ExecAsync(RawUpdate, ("@now", now)));
        comparison.RawSeconds.Add(elapsed.TotalSeconds);
        Console.WriteLine($"    {rows:N0} lots updated");
        if (repeat == 0) comparison.Notes.Add($"raw UPDATE: {rows:N0} lots set to remaining 0 / expired_at, in one statement (one transaction); nothing else written");
    }

    private static async Task JobAsync(Sql sql, BenchOptions options, DateTime now, long earnMax, Comparison comparison, int repeat)
    {
        await ResetJobAsync(sql, earnMax);
        await using var db = Services.NewContext(options);
        await using var progress = new Sql(options.ConnectionString);
        var entries = 0;
        using var cts = new CancellationTokenSource();
        var watch = Stopwatch.StartNew();
        var before = await sql.ScalarAsync<long>("SELECT COALESCE(MAX(id), 0) FROM point_entries");
        var heartbeat = HeartbeatAsync(progress, before, watch, cts.Token);
        var elapsed = await Sql.StepAsync($"PointsMaintenance.ExpireAllAsync #{repeat + 1}", async () =>
            entries = await Services.Maintenance(db, Services.Clock(now)).ExpireAllAsync(options.ExpiryBatchSize));
        await cts.CancelAsync();
        await heartbeat;
        comparison.JobSeconds.Add(elapsed.TotalSeconds);

        var left = await sql.ScalarAsync<long>("SELECT COUNT(*) FROM point_lots WHERE expired_at IS NULL");
        var balances = await sql.ScalarAsync<long>("SELECT COUNT(*) FROM members WHERE points_balance <> 0");
        var ledger = await sql.ScalarAsync<long>("SELECT COALESCE(SUM(delta), 0) FROM point_entries");
        Console.WriteLine($"    {entries:N0} Expire entries; lots left unexpired {left}, members with a balance {balances}, ledger sum {ledger}");
        if (repeat == 0)
            comparison.Notes.Add($"job: {entries:N0} Expire entries written (one per member with points left in its due lots), the same lots expired, every member's balance updated; " +
                $"after it {left} lots unexpired, {balances} members with a non-zero balance, sum of all entries {ledger} (the ledger invariant holds)");
    }

    private static async Task HeartbeatAsync(Sql progress, long before, Stopwatch watch, CancellationToken ct)
    {
        try
        {
            while (true)
            {
                await Task.Delay(TimeSpan.FromSeconds(30), ct);
                var written = await progress.ScalarAsync<long>("SELECT COUNT(*) FROM point_entries WHERE id > @b", ("@b", before));
                Console.Write($"[{watch.Elapsed.TotalSeconds:0}s: ~{written:N0} entries, {written / watch.Elapsed.TotalSeconds:N0}/s] ");
            }
        }
        catch (OperationCanceledException)
        {
        }
    }

    /// <summary>Restores the copy: every lot unexpired with its points (untimed).</summary>
    private static async Task ResetRawAsync(Sql sql)
    {
        if (await sql.ScalarAsync<long>("SELECT EXISTS (SELECT 1 FROM bench_lots_raw WHERE expired_at IS NOT NULL)") == 0) return;
        await Sql.StepAsync("(untimed) restore bench_lots_raw", () => InChunksAsync(sql, "bench_lots_raw",
            "UPDATE bench_lots_raw SET remaining = amount, expired_at = NULL WHERE id BETWEEN @a AND @b AND expired_at IS NOT NULL"));
    }

    /// <summary>Removes the job's Expire entries, restores the lots and the generated balances (untimed).</summary>
    public static async Task ResetJobAsync(Sql sql, long earnMax)
    {
        var dirty = await sql.ScalarAsync<long>("SELECT EXISTS (SELECT 1 FROM point_entries WHERE id > @m)", ("@m", earnMax)) > 0
            || await sql.ScalarAsync<long>("SELECT EXISTS (SELECT 1 FROM point_lots WHERE expired_at IS NOT NULL)") > 0;
        if (!dirty) return;
        await Sql.StepAsync("(untimed) restore point_lots, point_entries, balances", async () =>
        {
            int deleted;
            do deleted = await sql.ExecAsync("DELETE FROM point_entries WHERE id > @m ORDER BY id LIMIT 500000", ("@m", earnMax));
            while (deleted > 0);
            await InChunksAsync(sql, "point_lots",
                "UPDATE point_lots SET remaining = amount, expired_at = NULL WHERE id BETWEEN @a AND @b AND expired_at IS NOT NULL");
            await sql.ExecAsync("""
                UPDATE members m JOIN bench_member_tiers b ON b.member_id = m.id
                SET m.points_balance = b.points_balance WHERE m.points_balance <> b.points_balance
                """);
        });
    }

    private static async Task InChunksAsync(Sql sql, string table, string update)
    {
        var max = await sql.ScalarAsync<long>($"SELECT COALESCE(MAX(id), 0) FROM {table}");
        for (long a = 1; a <= max; a += 1_000_000)
            await sql.ExecAsync(update, ("@a", a), ("@b", a + 999_999));
    }
}
