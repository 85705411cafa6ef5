using System.Diagnostics;
using MySqlConnector;

namespace WechatLoyalty.PayNotifications;

/// <summary>How fast the same server commits the smallest possible write transaction at the same concurrency.</summary>
internal sealed record RawResult(string Name, long Commits, TimeSpan Elapsed, Percentiles Latency)
{
    public double PerSecond => Commits / Elapsed.TotalSeconds;
}

/// <summary>
/// The baseline: <c>concurrency</c> connections (opened before timing), each committing one single-row INSERT into a
/// scratch table as fast as it can for a fixed time. Autocommit = one round trip and one commit per row; the
/// explicit variant sends BEGIN, INSERT and COMMIT as three round trips (what an ORM transaction costs at minimum).
/// </summary>
internal static class RawCommits
{
    public const string Table = "bench_raw_commits";

    public static async Task CreateTableAsync(Sql sql) => await sql.ExecAsync($"""
        CREATE TABLE IF NOT EXISTS {Table} (
          id BIGINT NOT NULL AUTO_INCREMENT PRIMARY KEY,
          k VARCHAR(32) NOT NULL,
          v BIGINT NOT NULL,
          created_at DATETIME(6) NOT NULL
        ) ENGINE=InnoDB
        """);

    public static async Task<RawResult> RunAsync(string connectionString, int concurrency, TimeSpan duration, bool explicitTransaction, TimeSpan warmup)
    {
        if (warmup > TimeSpan.Zero) await MeasureAsync(connectionString, concurrency, warmup, explicitTransaction);
        return await MeasureAsync(connectionString, concurrency, duration, explicitTransaction);
    }

    private static async Task<RawResult> MeasureAsync(string connectionString, int concurrency, TimeSpan duration, bool explicitTransaction)
    {
        var connections = new List<MySqlConnection>();
        try
        {
            for (var i = 0; i < concurrency; i++)
            {
                var c = new MySqlConnection(connectionString);
                await c.OpenAsync();
                connections.Add(c);
            }
            var start = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            var watch = new Stopwatch();
            var samples = new List<double>[concurrency];
            var workers = connections.Select((c, w) => Task.Run(async () =>
            {
                var mine = samples[w] = new List<double>(100_000);
                await using var insert = new MySqlCommand($"INSERT INTO {Table} (k, v, created_at) VALUES (@k, @v, @t)", c);
                var k = insert.Parameters.Add("@k", MySqlDbType.VarChar);
                var v = insert.Parameters.Add("@v", MySqlDbType.Int64);
                var t = insert.Parameters.Add("@t", MySqlDbType.DateTime);
                await using var begin = new MySqlCommand("BEGIN", c);
                await using var commit = new MySqlCommand("COMMIT", c);
                await start.Task;
                var n = 0L;
                while (watch.Elapsed < duration)
                {
                    var started = Stopwatch.GetTimestamp();
                    k.Value = $"w{w}-{n}";
                    v.Value = n++;
                    t.Value = DateTime.UtcNow;
                    if (explicitTransaction) await begin.ExecuteNonQueryAsync();
                    await insert.ExecuteNonQueryAsync();
                    if (explicitTransaction) await commit.ExecuteNonQueryAsync();
                    mine.Add(Stopwatch.GetElapsedTime(started).TotalMilliseconds);
                }
            })).ToArray();
            watch.Start();
            start.SetResult();
            await Task.WhenAll(workers);
            watch.Stop();
            var all = samples.SelectMany(s => s).ToArray();
            return new RawResult(explicitTransaction ? "BEGIN; INSERT; COMMIT (3 round trips)" : "autocommit INSERT (1 round trip)",
                all.Length, watch.Elapsed, Percentiles.Of(all));
        }
        finally
        {
            foreach (var c in connections) await c.DisposeAsync();
        }
    }
}
