using System.Globalization;
using WechatLoyalty.TiersAndExpiry;

// Tier recalculation and points expiry at a million members, each against its raw-SQL baseline (issue 7).
// Not part of the test command; see bench/README.md.
CultureInfo.DefaultThreadCurrentCulture = CultureInfo.InvariantCulture;
CultureInfo.CurrentCulture = CultureInfo.InvariantCulture;
var options = BenchOptions.Parse(args);
var started = DateTime.UtcNow;
var machine = await Machine.DescribeAsync(options);
foreach (var line in machine) Console.WriteLine(line);

await using var sql = new Sql(options.ConnectionString);
var (now, expiryNow, generation) = await BenchData.PrepareAsync(options, sql);

var comparisons = new List<Comparison>();
if (!options.SkipTiers)
{
    comparisons.Add(await TierBenchmark.RunAsync(sql, options, now, "schema as migrated"));
    if (options.ProposedIndex)
    {
        var build = await Sql.StepAsync($"create proposed covering index {TierBenchmark.ProposedIndex} (bench database only)", () => sql.ExecAsync(
            $"CREATE INDEX {TierBenchmark.ProposedIndex} ON payments (member_id, paid_at, payer_total_fen, refunded_fen)"));
        try
        {
            var withIndex = await TierBenchmark.RunAsync(sql, options, now, "with proposed covering index");
            withIndex.Notes.Insert(0, $"index built in {build.TotalSeconds:0.0} s");
            comparisons.Add(withIndex);
        }
        finally
        {
            await sql.ExecAsync($"DROP INDEX {TierBenchmark.ProposedIndex} ON payments");
        }
    }
    await TierBenchmark.ResetAsync(sql);
}
if (!options.SkipExpiry) comparisons.Add(await ExpiryBenchmark.RunAsync(sql, options, expiryNow));

var file = await Report.WriteAsync(options, machine, generation, comparisons, started, now, expiryNow);
Console.WriteLine($"Results: {file}");
