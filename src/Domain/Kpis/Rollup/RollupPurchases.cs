namespace WechatLoyalty.Domain.Kpis.Rollup;

/// <summary>
/// <see cref="Purchases"/>' statistics from member-day rows (<see cref="KpiMemberDay"/>): each a count or sum over
/// rows in a range of days, no per-member grouping. "First row of a member in [a, …)" is <c>prev_day &lt; a</c>;
/// "last row in […, b)" is <c>next_day &gt;= b</c>. Same results as the payment queries, day for day (programme days).
/// </summary>
internal static class RollupPurchases
{
    private static string Bucket(KpiGrain grain) => grain switch
    {
        KpiGrain.Day => "k.day",
        KpiGrain.Week => "(k.day - INTERVAL WEEKDAY(k.day) DAY)",
        _ => "(k.day - INTERVAL (DAYOFMONTH(k.day) - 1) DAY)",
    };

    private static (string, object?)[] Days(KpiQuery q, params (string, object?)[] more) =>
        [("@fromDay", KpiSql.Day(q.From)), ("@toDay", KpiSql.Day(q.To)), ("@endDay", KpiSql.Day(q.To.AddDays(1))), ("@store", q.StoreId), .. more];

    private static string InRange(KpiQuery q) => $"k.day >= @fromDay AND k.day < @endDay{KpiSql.StoreFilter(q, "k.store_id")}";

    public static async Task<Dictionary<DateOnly, Purchases.BucketTotals>> TotalsPerBucketAsync(MemberDayRows rows, KpiQuery q, CancellationToken ct)
    {
        var b = Bucket(q.Grain);
        return (await rows.SumAsync(r => $"""
            {b} AS b, SUM(k.prev_day < GREATEST({b}, @fromDay)), SUM(k.orders), SUM(k.net_fen) FROM {r} k WHERE {InRange(q)} GROUP BY b
            """, 1, ct, Days(q)))
            .ToDictionary(x => KpiSql.Day(x[0]), x => new Purchases.BucketTotals(KpiSql.Long(x[1]), KpiSql.Long(x[2]), KpiSql.Long(x[3])));
    }

    public static async Task<Purchases.BucketTotals> TotalsAsync(MemberDayRows rows, KpiQuery q, CancellationToken ct)
    {
        var x = (await rows.SumAsync(r => $"SUM(k.prev_day < @fromDay), SUM(k.orders), SUM(k.net_fen) FROM {r} k WHERE {InRange(q)}", 0, ct, Days(q)))[0];
        return new Purchases.BucketTotals(KpiSql.Long(x[0]), KpiSql.Long(x[1]), KpiSql.Long(x[2]));
    }

    public static async Task<Dictionary<DateOnly, Purchases.BucketStats>> PerBucketAsync(MemberDayRows rows, KpiQuery q, CancellationToken ct)
    {
        var b = Bucket(q.Grain);
        var first = $"k.prev_day < GREATEST({b}, @fromDay)";
        return (await rows.SumAsync(r => $"""
            {b} AS b, SUM({first}), SUM({first} AND k.d2 < LEAST({KpiSql.NextBucketSql(b, q.Grain)}, @endDay)), SUM(k.orders), SUM(k.net_fen)
            FROM {r} k WHERE {InRange(q)} GROUP BY b
            """, 1, ct, Days(q)))
            .ToDictionary(x => KpiSql.Day(x[0]), x => new Purchases.BucketStats(KpiSql.Long(x[1]), KpiSql.Long(x[2]), KpiSql.Long(x[3]), KpiSql.Long(x[4])));
    }

    /// <summary>Members with at least k purchases in the range (k = 1..6) from their first row's d<sub>k</sub>; exactly k is the difference.</summary>
    public static async Task<SortedDictionary<int, (long Members, long Orders)>> DistributionAsync(MemberDayRows rows, KpiQuery q, CancellationToken ct)
    {
        const string first = "k.prev_day < @fromDay";
        var x = (await rows.SumAsync(r => $"""
            SUM({first}), SUM({first} AND k.d2 <= @toDay), SUM({first} AND k.d3 <= @toDay), SUM({first} AND k.d4 <= @toDay),
            SUM({first} AND k.d5 <= @toDay), SUM({first} AND k.d6 <= @toDay), SUM(k.orders) FROM {r} k WHERE {InRange(q)}
            """, 0, ct, Days(q)))[0];
        var atLeast = Enumerable.Range(0, 6).Select(i => KpiSql.Long(x[i])).ToArray();
        var orders = KpiSql.Long(x[6]);
        var result = new SortedDictionary<int, (long, long)>();
        for (var k = 1; k <= 5; k++)
        {
            var members = atLeast[k - 1] - atLeast[k];
            if (members > 0) result[k] = (members, members * k);
        }
        if (atLeast[5] > 0) result[6] = (atLeast[5], orders - result.Values.Sum(v => v.Item2));
        return result;
    }

    /// <summary>Churn over the whole range: buyers of the equally long period before, and those of them who bought nothing in the range.</summary>
    public static async Task<(long PreviousBuyers, long Churned)> ChurnAsync(MemberDayRows rows, KpiQuery q, DateOnly previousFrom, CancellationToken ct)
    {
        var x = (await rows.SumAsync(r => $"""
            SUM(k.next_day >= @fromDay), SUM(k.next_day >= @endDay)
            FROM {r} k WHERE k.day >= @prevDay AND k.day < @fromDay{KpiSql.StoreFilter(q, "k.store_id")}
            """, 0, ct, Days(q, ("@prevDay", KpiSql.Day(previousFrom)))))[0];
        return (KpiSql.Long(x[0]), KpiSql.Long(x[1]));
    }

    /// <summary>
    /// Per whole bucket from <paramref name="firstDay"/> on: its buyers (their last row in it) and those with no
    /// purchase in the bucket after it (clipped at the query's end), keyed by the bucket's start.
    /// </summary>
    public static async Task<Dictionary<DateOnly, (long Buyers, long NotInNext)>> ChurnPerBucketAsync(
        MemberDayRows rows, KpiQuery q, DateOnly firstDay, CancellationToken ct)
    {
        var b = Bucket(q.Grain);
        var next = KpiSql.NextBucketSql(b, q.Grain);
        return (await rows.SumAsync(r => $"""
            {b} AS b, SUM(k.next_day >= {next}), SUM(k.next_day >= LEAST({KpiSql.NextBucketSql(next, q.Grain)}, @endDay))
            FROM {r} k WHERE k.day >= @firstDay AND k.day < @endDay{KpiSql.StoreFilter(q, "k.store_id")} GROUP BY b
            """, 1, ct, Days(q, ("@firstDay", KpiSql.Day(firstDay)))))
            .ToDictionary(x => KpiSql.Day(x[0]), x => (KpiSql.Long(x[1]), KpiSql.Long(x[2])));
    }
}
