using System.Data;
using System.Data.Common;
using System.Globalization;
using System.Text;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Storage;
using Microsoft.Extensions.Options;
using WechatLoyalty.Domain.Common;
using WechatLoyalty.Domain.Data;
using WechatLoyalty.Domain.Programme;

namespace WechatLoyalty.Domain.Kpis;

/// <summary>One bucket of a time series: labelled by its first day, clipped to the query's range.</summary>
public sealed record KpiBucket(DateOnly Start, DateTime FromUtc, DateTime ToUtc)
{
    public string Label => Start.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
}

/// <summary>
/// Raw, set-based SQL for the panels through the DbContext's connection, and the one place that turns programme
/// days into UTC bounds and UTC timestamps into programme-day buckets.
/// <para>
/// Why raw SQL: the panels are aggregates over millions of rows (distinct members per week, stage counts,
/// ledger sums) whose shape EF would translate into client evaluation or several round trips. Everything is
/// parameterised; the only text spliced in is built here from constants and whole numbers.
/// </para>
/// </summary>
public sealed class KpiSql(LoyaltyDbContext db, ProgrammeClock clock, ProgrammeRulesStore rules, IOptions<LifecycleThresholds> lifecycle)
{
    public ProgrammeClock Clock => clock;

    public LifecycleThresholds Lifecycle => lifecycle.Value;

    /// <summary>
    /// Whether purchase panels may read the member-day rollup (<see cref="Rollup.KpiMemberDay"/>) when it is built.
    /// Off: they read payments directly, as they do before the first build; the tests compare the two.
    /// </summary>
    public bool UseRollup { get; set; } = true;

    private Task<Rollup.MemberDayRows?>? _memberDays;

    /// <summary>The rollup for this request's panels, or null when they read payments (opened once per KpiSql).</summary>
    internal Task<Rollup.MemberDayRows?> MemberDaysAsync(CancellationToken ct) => _memberDays ??= Rollup.MemberDayRows.OpenAsync(this, ct);

    public Task<ProgrammeRules> RulesAsync(KpiQuery q, CancellationToken ct) => rules.GetActiveAsync(q.FallbackPreset, ct);

    public DateTime StartUtc(DateOnly day) => clock.StartOfDayUtc(day);

    /// <summary>Exclusive UTC end of the query's last day.</summary>
    public DateTime EndUtc(KpiQuery q) => clock.StartOfDayUtc(q.To.AddDays(1));

    /// <summary>Exclusive last programme day of the query, as a DATE parameter value.</summary>
    public static DateTime Day(DateOnly day) => day.ToDateTime(TimeOnly.MinValue);

    /// <summary>The programme-zone local time of p.paid_at, valid over any payment's lifetime (for the rollup's days).</summary>
    public string LocalPaidAt() => Local("p.paid_at", new DateTime(2000, 1, 1, 0, 0, 0, DateTimeKind.Utc), clock.UtcNow.UtcDateTime.AddDays(2));

    public static DateOnly Align(DateOnly day, KpiGrain grain) => grain switch
    {
        KpiGrain.Day => day,
        KpiGrain.Week => day.AddDays(-(((int)day.DayOfWeek + 6) % 7)), // ISO weeks start on Monday
        _ => new DateOnly(day.Year, day.Month, 1),
    };

    public static DateOnly Next(DateOnly start, KpiGrain grain) => grain switch
    {
        KpiGrain.Day => start.AddDays(1),
        KpiGrain.Week => start.AddDays(7),
        _ => start.AddMonths(1),
    };

    /// <summary>The query's buckets, first to last, each clipped to [From, To].</summary>
    public IReadOnlyList<KpiBucket> Buckets(KpiQuery q)
    {
        var list = new List<KpiBucket>();
        for (var start = Align(q.From, q.Grain); start <= q.To; start = Next(start, q.Grain))
        {
            var first = start < q.From ? q.From : start;
            var next = Next(start, q.Grain);
            var last = next.AddDays(-1) > q.To ? q.To : next.AddDays(-1);
            list.Add(new KpiBucket(start, clock.StartOfDayUtc(first), clock.StartOfDayUtc(last.AddDays(1))));
        }
        return list;
    }

    /// <summary>
    /// SQL for the programme-zone local time of a UTC column. MariaDB's named zones need time-zone tables that a
    /// managed server may not have, so the offset is spliced in: one constant for a zone without transitions in
    /// the range (all of China), else a CASE over the transitions found in the range.
    /// </summary>
    public string Local(string column, DateTime fromUtc, DateTime toUtc)
    {
        var zone = clock.Zone;
        var segments = new List<(DateTime Until, int Minutes)>();
        var offset = Minutes(fromUtc);
        // Walk the range a day at a time; where the offset changed, find the transition to the quarter hour.
        for (var t = fromUtc; t < toUtc; t = t.AddDays(1))
        {
            var next = t.AddDays(1) < toUtc ? t.AddDays(1) : toUtc;
            if (Minutes(next) == offset) continue;
            var at = t;
            while (Minutes(at) == offset) at = at.AddMinutes(15);
            segments.Add((at, offset));
            offset = Minutes(at);
        }
        if (segments.Count == 0) return $"({column} + INTERVAL {offset} MINUTE)";
        var sql = new StringBuilder($"({column} + INTERVAL (CASE");
        foreach (var (until, minutes) in segments)
            sql.Append(CultureInfo.InvariantCulture, $" WHEN {column} < '{until:yyyy-MM-dd HH:mm:ss}' THEN {minutes}");
        sql.Append(CultureInfo.InvariantCulture, $" ELSE {offset} END) MINUTE)");
        return sql.ToString();

        int Minutes(DateTime utc) => (int)zone.GetUtcOffset(DateTime.SpecifyKind(utc, DateTimeKind.Utc)).TotalMinutes;
    }

    /// <summary>SQL for the first day of the bucket a UTC column falls in (a DATE), in programme days.</summary>
    public string Bucket(string column, KpiQuery q, DateTime? fromUtc = null)
    {
        var local = Local(column, fromUtc ?? StartUtc(Align(q.From, q.Grain).AddDays(-40)), EndUtc(q));
        return q.Grain switch
        {
            KpiGrain.Day => $"DATE({local})",
            KpiGrain.Week => $"(DATE({local}) - INTERVAL WEEKDAY({local}) DAY)",
            _ => $"(DATE({local}) - INTERVAL (DAYOFMONTH({local}) - 1) DAY)",
        };
    }

    public static string NextBucketSql(string bucket, KpiGrain grain) => grain switch
    {
        KpiGrain.Day => $"({bucket} + INTERVAL 1 DAY)",
        KpiGrain.Week => $"({bucket} + INTERVAL 7 DAY)",
        _ => $"({bucket} + INTERVAL 1 MONTH)",
    };

    public async Task<T> ScalarAsync<T>(string sql, CancellationToken ct, params (string Name, object? Value)[] parameters)
    {
        var rows = await RowsAsync(sql, ct, parameters);
        var value = rows.Count == 0 ? null : rows[0][0];
        if (value is null) return default!;
        return (T)Convert.ChangeType(value, Nullable.GetUnderlyingType(typeof(T)) ?? typeof(T), CultureInfo.InvariantCulture);
    }

    public async Task<List<object?[]>> RowsAsync(string sql, CancellationToken ct, params (string Name, object? Value)[] parameters)
    {
        var connection = db.Database.GetDbConnection();
        var opened = connection.State != ConnectionState.Open;
        if (opened) await db.Database.OpenConnectionAsync(ct);
        try
        {
            await using var command = connection.CreateCommand();
            command.CommandText = WithMemory(sql, connection.ServerVersion);
            command.CommandTimeout = 60;
            command.Transaction = db.Database.CurrentTransaction?.GetDbTransaction();
            foreach (var (name, value) in parameters)
            {
                var p = command.CreateParameter();
                p.ParameterName = name;
                p.Value = value ?? DBNull.Value;
                command.Parameters.Add(p);
            }
            await using var reader = await command.ExecuteReaderAsync(ct);
            var rows = new List<object?[]>();
            while (await reader.ReadAsync(ct))
            {
                var row = new object?[reader.FieldCount];
                for (var i = 0; i < row.Length; i++) row[i] = await reader.IsDBNullAsync(i, ct) ? null : reader.GetValue(i);
                rows.Add(row);
            }
            return rows;
        }
        finally
        {
            if (opened) await db.Database.CloseConnectionAsync();
        }
    }

    /// <summary>Runs a statement that writes (the rollup's refresh) in the current transaction, if any.</summary>
    public async Task<int> ExecuteAsync(string sql, CancellationToken ct, int timeoutSeconds = 600)
    {
        var connection = db.Database.GetDbConnection();
        var opened = connection.State != ConnectionState.Open;
        if (opened) await db.Database.OpenConnectionAsync(ct);
        try
        {
            await using var command = connection.CreateCommand();
            command.CommandText = sql;
            command.CommandTimeout = timeoutSeconds;
            command.Transaction = db.Database.CurrentTransaction?.GetDbTransaction();
            return await command.ExecuteNonQueryAsync(ct);
        }
        finally
        {
            if (opened) await db.Database.CloseConnectionAsync();
        }
    }

    /// <summary>
    /// The panels group hundreds of thousands of (bucket, member) pairs; with the server's default in-memory
    /// temporary table limit (16 MB) those spill to disk and a year's view takes ten times longer. MariaDB raises
    /// the limit for the one statement (SET STATEMENT); other servers run the statement as it is.
    /// </summary>
    private static string WithMemory(string sql, string serverVersion) =>
        serverVersion.Contains("MariaDB", StringComparison.OrdinalIgnoreCase) && sql.TrimStart().StartsWith("SELECT", StringComparison.OrdinalIgnoreCase)
            ? $"SET STATEMENT tmp_table_size = {TempTableBytes}, max_heap_table_size = {TempTableBytes} FOR {sql}"
            : sql;

    private const long TempTableBytes = 256L * 1024 * 1024;

    public static long Long(object? value) => value is null ? 0 : Convert.ToInt64(value, CultureInfo.InvariantCulture);

    public static decimal Dec(object? value) => value is null ? 0 : Convert.ToDecimal(value, CultureInfo.InvariantCulture);

    public static DateOnly Day(object? value) => value switch
    {
        DateOnly d => d,
        DateTime t => DateOnly.FromDateTime(t),
        string s => DateOnly.Parse(s, CultureInfo.InvariantCulture),
        _ => throw new InvalidOperationException($"Not a date: {value}"),
    };

    /// <summary>Fen → CNY, two decimals.</summary>
    public static decimal Cny(decimal fen) => Math.Round(fen / 100m, 2, MidpointRounding.AwayFromZero);

    /// <summary>a / b as a percentage with one decimal, or null when b is 0 (no base: no rate).</summary>
    public static decimal? Percent(decimal a, decimal b) => b == 0 ? null : Math.Round(a * 100m / b, 1, MidpointRounding.AwayFromZero);

    public static decimal? Ratio(decimal a, decimal b, int decimals = 2) => b == 0 ? null : Math.Round(a / b, decimals, MidpointRounding.AwayFromZero);

    /// <summary>"AND m.store_id = @store" when the query names a store.</summary>
    public static string StoreFilter(KpiQuery q, string column) => q.StoreId is null ? "" : $" AND {column} = @store";

    /// <summary>The common parameters: @from, @to (UTC, exclusive) and @store.</summary>
    public (string, object?)[] Params(KpiQuery q, params (string, object?)[] more) =>
        [("@from", StartUtc(q.From)), ("@to", EndUtc(q)), ("@store", q.StoreId), .. more];
}

/// <summary>A paid purchase: a payment not fully refunded. Its net amount is what the payer paid minus refunds.</summary>
internal static class PaidSql
{
    public const string Paid = "p.refunded_fen < p.payer_total_fen";
    public const string Net = "(p.payer_total_fen - p.refunded_fen)";
}
