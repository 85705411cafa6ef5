using System.Globalization;
using Microsoft.EntityFrameworkCore;
using MySqlConnector;

namespace WechatLoyalty.TiersAndExpiry;

/// <summary>Creates the bench database, applies the migrations, and generates the data unless it is already there.</summary>
internal static class BenchData
{
    public sealed record Generation(bool Reused, TimeSpan Elapsed, IReadOnlyList<string> Sizes);

    public static async Task<(DateTime Now, DateTime ExpiryNow, Generation Generation)> PrepareAsync(BenchOptions options, Sql sql)
    {
        var scale = $"{options.Members}/{options.Payments}";
        await using (var server = new MySqlConnection(options.ServerConnectionString))
        {
            await server.OpenAsync();
            await using var create = new MySqlCommand($"CREATE DATABASE IF NOT EXISTS `{options.Database}` CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci", server);
            await create.ExecuteNonQueryAsync();
        }
        await sql.ExecAsync("CREATE TABLE IF NOT EXISTS bench_meta (k VARCHAR(64) NOT NULL PRIMARY KEY, v VARCHAR(255) NOT NULL)");
        var meta = (await sql.RowsAsync("SELECT k, v FROM bench_meta")).ToDictionary(r => (string)r[0]!, r => (string)r[1]!);
        var reuse = !options.Regenerate && meta.GetValueOrDefault("scale") == scale && meta.ContainsKey("complete");
        if (!reuse)
        {
            Console.WriteLine(meta.Count == 0 ? "No bench data yet." : $"Bench data is {meta.GetValueOrDefault("scale", "incomplete")}; regenerating for {scale}.");
            await using var server = new MySqlConnection(options.ServerConnectionString);
            await server.OpenAsync();
            foreach (var text in new[] { $"DROP DATABASE IF EXISTS `{options.Database}`",
                $"CREATE DATABASE `{options.Database}` CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci" })
            {
                await using var command = new MySqlCommand(text, server);
                await command.ExecuteNonQueryAsync();
            }
            await sql.DisposeAsync();
        }

        await Sql.StepAsync("apply EF migrations (Database.MigrateAsync)", async () =>
        {
            await using var db = Services.NewContext(options);
            await db.Database.MigrateAsync();
        });

        var watch = System.Diagnostics.Stopwatch.StartNew();
        DateTime now;
        if (reuse)
        {
            now = DateTime.Parse(meta["now"], CultureInfo.InvariantCulture, DateTimeStyles.AdjustToUniversal | DateTimeStyles.AssumeUniversal);
            Console.WriteLine($"Reusing bench data ({scale}, generated for {now:yyyy-MM-dd HH:mm:ss} UTC); --regenerate to force.");
        }
        else
        {
            now = DateTime.UtcNow;
            now = new DateTime(now.Year, now.Month, now.Day, now.Hour, now.Minute, now.Second, DateTimeKind.Utc);
            await sql.ExecAsync("CREATE TABLE IF NOT EXISTS bench_meta (k VARCHAR(64) NOT NULL PRIMARY KEY, v VARCHAR(255) NOT NULL)");
            await DataGenerator.GenerateAsync(sql, options, now);
            await sql.ExecAsync("INSERT INTO bench_meta (k, v) VALUES ('scale', @s), ('now', @n), ('generated_seconds', @g), ('complete', '1')",
                ("@s", scale), ("@n", now.ToString("O", CultureInfo.InvariantCulture)),
                ("@g", watch.Elapsed.TotalSeconds.ToString("0", CultureInfo.InvariantCulture)));
        }
        var elapsed = reuse ? TimeSpan.FromSeconds(double.Parse(meta.GetValueOrDefault("generated_seconds", "0"), CultureInfo.InvariantCulture)) : watch.Elapsed;
        var lastExpiry = await sql.ScalarAsync<DateTime>("SELECT MAX(expires_at) FROM point_lots");
        var expiryNow = DateTime.SpecifyKind(lastExpiry.Date.AddDays(2), DateTimeKind.Utc);
        await sql.ExecAsync("ANALYZE TABLE members, payments, point_lots, point_entries, bench_lots_raw");
        var sizes = (await sql.RowsAsync("""
            SELECT table_name, table_rows, ROUND(data_length / 1048576), ROUND(index_length / 1048576)
            FROM information_schema.tables WHERE table_schema = DATABASE()
              AND table_name IN ('members', 'payments', 'point_lots', 'point_entries', 'bench_lots_raw')
            ORDER BY table_name
            """)).Select(r => $"{r[0]}: ~{Convert.ToInt64(r[1], CultureInfo.InvariantCulture):N0} rows, data {r[2]} MB, indexes {r[3]} MB").ToList();
        foreach (var size in sizes) Console.WriteLine("  " + size);
        return (now, expiryNow, new Generation(reuse, elapsed, sizes));
    }
}
