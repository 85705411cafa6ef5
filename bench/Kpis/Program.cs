using System.Diagnostics;
using System.Globalization;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using MySqlConnector;
using WechatLoyalty.Domain.Common;
using WechatLoyalty.Domain.Data;
using WechatLoyalty.Domain.Kpis;
using WechatLoyalty.Domain.Kpis.Rollup;
using WechatLoyalty.Domain.Programme;
using WechatLoyalty.TiersAndExpiry;

// Every KPI panel timed through the real query classes on generated data (issue 11: under 2 s per panel at
// 1M members). Not part of the test command; see bench/README.md.
CultureInfo.DefaultThreadCurrentCulture = CultureInfo.InvariantCulture;
CultureInfo.CurrentCulture = CultureInfo.InvariantCulture;

var scale = Arg("--scale", Environment.GetEnvironmentVariable("WL_BENCH_SCALE") ?? "0.1");
var repeats = int.Parse(Arg("--repeats", "3"), CultureInfo.InvariantCulture);
var regenerate = args.Contains("--regenerate");
var panelFilter = Arg("--panels", "").Split(',', StringSplitOptions.RemoveEmptyEntries);
var scenarioFilter = Arg("--scenarios", "");
var members = Math.Max(100, (int)Math.Round(1_000_000 * double.Parse(scale, CultureInfo.InvariantCulture)));
var server = Environment.GetEnvironmentVariable("WL_BENCH_MYSQL") ?? "Server=127.0.0.1;Port=3307;User ID=loyalty;Password=loyalty-dev-password";
const string Database = "wechat_loyalty_bench_kpis";
var connectionString = new MySqlConnectionStringBuilder(server) { Database = Database, DefaultCommandTimeout = 0 }.ConnectionString;
// The data's "now": the end of the generated history, a fixed instant so every run sees the same days.
var now = new DateTime(2026, 11, 23, 0, 0, 0, DateTimeKind.Utc);

await using (var admin = new MySqlConnection(server))
{
    await admin.OpenAsync();
    await new MySqlCommand($"CREATE DATABASE IF NOT EXISTS {Database} CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci", admin).ExecuteNonQueryAsync();
}
await using (var db = NewContext()) await db.Database.MigrateAsync();
await using var sql = new Sql(connectionString);
var existing = await sql.ScalarAsync<long>("SELECT COUNT(*) FROM members");
var generation = "reused";
if (regenerate || existing != members)
{
    var watch = Stopwatch.StartNew();
    await Generator.GenerateAsync(sql, members, now);
    generation = $"generated in this run, {watch.Elapsed.TotalSeconds:0} s";
}
await sql.ExecAsync("ANALYZE TABLE members, payments, point_entries, stores");
var clock = new ProgrammeClock(new FixedTime(new DateTimeOffset(now, TimeSpan.Zero)), ProgrammeClock.FindZone("Asia/Shanghai"));

// The member-day rollup the purchase panels read (src/Domain/Kpis/Rollup): built once (or again with
// --rebuild-rollup), then one incremental refresh after a day's payments changed, each timed. The panels then run
// with the changes of the last ~10 minutes (the job's period) not yet rolled up, as they would in production.
var rollupNotes = new List<string>();
{
    await using var db = NewContext();
    var rollup = new KpiRollup(db, KpiSqlFor(db), Microsoft.Extensions.Logging.Abstractions.NullLogger<KpiRollup>.Instance);
    if (args.Contains("--rebuild-rollup") || generation != "reused") await rollup.ResetAsync();
    if (await sql.ScalarAsync<long>("SELECT COUNT(*) FROM kpi_rollup_state") == 0)
    {
        var watch = Stopwatch.StartNew();
        var built = await rollup.RefreshAsync(progress: (done, total) => { Console.WriteLine($"rollup build: members up to {done:N0} of {total:N0}, {watch.Elapsed.TotalSeconds:0} s"); return Task.CompletedTask; });
        rollupNotes.Add($"full build: {built.Rows:N0} member-day rows in {watch.Elapsed.TotalSeconds:0.0} s");
    }
    else rollupNotes.Add($"full build: reused ({await sql.ScalarAsync<long>("SELECT COUNT(*) FROM kpi_member_days"):N0} rows)");
    var touched = await sql.ExecAsync("UPDATE payments SET kpi_touched_at = NOW(6) WHERE paid_at >= @since", ("@since", now.AddDays(-1)));
    var incremental = Stopwatch.StartNew();
    var run = await rollup.RefreshAsync();
    rollupNotes.Add($"incremental refresh after a day's payments changed ({touched:N0} payments): {run.Members:N0} members, {run.Rows:N0} rows in {incremental.Elapsed.TotalSeconds:0.0} s");
    // Steady state: the day's changes rolled up long ago; the last 10 minutes' (about 100 payments at this size) not yet.
    await sql.ExecAsync("UPDATE payments SET kpi_touched_at = NOW(6) - INTERVAL 1 DAY WHERE kpi_touched_at > NOW(6) - INTERVAL 1 DAY");
    var recent = await sql.ExecAsync($"UPDATE payments SET kpi_touched_at = NOW(6) WHERE member_id IS NOT NULL ORDER BY id DESC LIMIT {Math.Max(1, members / 10_000)}");
    rollupNotes.Add($"panels ran with {recent} recently changed payments' members computed live from payments (not yet rolled up)");
}
foreach (var note in rollupNotes) Console.WriteLine(note);

var counts = await sql.RowsAsync("SELECT (SELECT COUNT(*) FROM members), (SELECT COUNT(*) FROM payments), (SELECT COUNT(*) FROM point_entries)");
var pool = await sql.ScalarAsync<long>("SELECT @@innodb_buffer_pool_size");

var today = DateOnly.FromDateTime(now).AddDays(-1);
IEnumerable<(string Name, KpiQuery Query)> scenarios =
[
    ("30 days, day grain, all stores", new KpiQuery(today.AddDays(-29), today, null, KpiGrain.Day)),
    ("30 days, day grain, one store", new KpiQuery(today.AddDays(-29), today, 7, KpiGrain.Day)),
    ("365 days, month grain, all stores", new KpiQuery(today.AddDays(-364), today, null, KpiGrain.Month)),
    ("365 days, week grain, one store", new KpiQuery(today.AddDays(-364), today, 7, KpiGrain.Week)),
];
if (scenarioFilter.Length > 0) scenarios = [.. scenarios.Where(x => x.Name.StartsWith(scenarioFilter, StringComparison.Ordinal))];
var results = new List<(string Panel, string Scenario, List<double> Runs)>();
List<string> panelIds;
{
    await using var db = NewContext();
    panelIds = [.. Panels(db).Select(p => p.Info.Id).Where(id => panelFilter.Length == 0 || panelFilter.Contains(id))];
}
foreach (var id in panelIds)
{
    foreach (var (name, query) in scenarios)
    {
        var runs = new List<double>();
        for (var i = 0; i < repeats; i++)
        {
            await using var db = NewContext();
            var panel = Panels(db).Single(p => p.Info.Id == id);
            var watch = Stopwatch.StartNew();
            try
            {
                await panel.ComputeAsync(query, CancellationToken.None);
                runs.Add(watch.Elapsed.TotalSeconds);
            }
            catch (MySqlException e) when (e.Message.Contains("Timeout", StringComparison.OrdinalIgnoreCase) || e.Message.Contains("interrupted", StringComparison.OrdinalIgnoreCase))
            {
                runs.Add(double.PositiveInfinity); // a statement hit the panels' 60 s command timeout
            }
        }
        results.Add((id, name, runs));
        Console.WriteLine($"{id,-24} {name,-36} {string.Join(", ", runs.Select(Seconds))}");
    }
}

var file = Path.Combine(FindRepo(), "bench", "results", $"kpis-{now:yyyy-MM-dd}-{members}{(panelFilter.Length > 0 || scenarioFilter.Length > 0 ? "-partial" : "")}.md");
await using (var w = new StreamWriter(file))
{
    await w.WriteLineAsync($"# KPI panels benchmark — {DateTime.UtcNow:yyyy-MM-dd HH:mm} UTC\n");
    await w.WriteLineAsync("Generated by `bench/Kpis` (see bench/README.md). Wall-clock seconds per panel computation (all its queries), " +
        $"{repeats} runs each; the first run of a panel may read from disk.\n");
    await w.WriteLineAsync($"- nproc: {Environment.ProcessorCount}; innodb_buffer_pool_size: {pool / 1048576} MB; shared machine (other builds and tests ran at the same time)");
    await w.WriteLineAsync($"- data: {counts[0][0]:N0} members, {counts[0][1]:N0} payments, {counts[0][2]:N0} point entries, 50 stores ({generation})");
    await w.WriteLineAsync($"- 'one store' = store 7 (~{members / 60:N0} members)");
    foreach (var note in rollupNotes) await w.WriteLineAsync($"- rollup: {note}");
    await w.WriteLineAsync();
    await w.WriteLineAsync("| panel | scenario | runs (s) | median (s) | < 2 s |");
    await w.WriteLineAsync("|---|---|---|---|---|");
    foreach (var (panel, scenario, runs) in results)
    {
        var median = runs.Order().ElementAt(runs.Count / 2);
        await w.WriteLineAsync($"| {panel} | {scenario} | {string.Join(", ", runs.Select(Seconds))} | {Seconds(median)} | {(median < 2 ? "yes" : "**no**")} |");
    }
}
Console.WriteLine($"Results: {file}");
return;

LoyaltyDbContext NewContext()
{
    var builder = new DbContextOptionsBuilder<LoyaltyDbContext>();
    LoyaltyDataRegistration.Configure(builder, connectionString);
    return new LoyaltyDbContext(builder.Options);
}

KpiSql KpiSqlFor(LoyaltyDbContext db) => new(db, clock, new ProgrammeRulesStore(db, clock), Options.Create(new LifecycleThresholds()));

IReadOnlyList<KpiPanel> Panels(LoyaltyDbContext db)
{
    var kpi = KpiSqlFor(db);
    return
    [
        new MemberGrowthPanel(kpi), new MemberGrowthByStorePanel(kpi), new MemberGrowthBySourcePanel(kpi), new ActiveMembersPanel(kpi),
        new LifecycleStagesPanel(kpi), new RepurchaseRatePanel(kpi), new ChurnPanel(kpi), new PurchaseFrequencyPanel(kpi), new AovPanel(kpi),
        new ArpuPanel(kpi), new PointsPanel(kpi), new ReferralFunnelPanel(kpi), new CampaignDeliveryPanel(kpi),
    ];
}

static string Seconds(double s) => double.IsInfinity(s) ? "timeout (60 s)" : s.ToString("0.000");

string Arg(string name, string fallback)
{
    var i = Array.IndexOf(args, name);
    return i >= 0 && i + 1 < args.Length ? args[i + 1] : fallback;
}

static string FindRepo()
{
    for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        if (File.Exists(Path.Combine(dir.FullName, "WechatLoyalty.sln"))) return dir.FullName;
    return Directory.GetCurrentDirectory();
}

internal sealed class FixedTime(DateTimeOffset now) : TimeProvider
{
    public override DateTimeOffset GetUtcNow() => now;
}
