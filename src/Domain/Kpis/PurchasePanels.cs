using WechatLoyalty.Domain.Kpis.Rollup;

namespace WechatLoyalty.Domain.Kpis;

/// <summary>
/// Members' paid purchases, shared by the purchase panels: from the member-day rollup once it is built
/// (<see cref="RollupPurchases"/>), else from payments (the queries here, also the reference the rollup is tested against).
/// </summary>
internal static class Purchases
{
    /// <summary>Joins a payment to its member's join store when the query names a store.</summary>
    public static string StoreJoin(KpiQuery q) => q.StoreId is null ? "" : " JOIN members m ON m.id = p.member_id AND m.store_id = @store";

    /// <summary>Members' paid purchases in [@from, @to).</summary>
    public static string Where(KpiQuery q) =>
        $"FROM payments p{StoreJoin(q)} WHERE p.paid_at >= @from AND p.paid_at < @to AND p.member_id IS NOT NULL AND {PaidSql.Paid}";

    public sealed record BucketStats(long Buyers, long Repeaters, long Orders, long NetFen);

    public sealed record BucketTotals(long Buyers, long Orders, long NetFen);

    /// <summary>
    /// Per bucket: distinct buying members, purchases, net spend. COUNT(DISTINCT) keeps one small set per bucket
    /// instead of a (bucket, member) group table: about ten times faster over a year than <see cref="PerBucketAsync"/>.
    /// </summary>
    public static async Task<Dictionary<DateOnly, BucketTotals>> TotalsPerBucketAsync(KpiSql sql, KpiQuery q, CancellationToken ct) =>
        await sql.MemberDaysAsync(ct) is { } rows ? await RollupPurchases.TotalsPerBucketAsync(rows, q, ct) : (await sql.RowsAsync($"""
            SELECT {sql.Bucket("p.paid_at", q)} AS b, COUNT(DISTINCT p.member_id), COUNT(*), SUM({PaidSql.Net}) {Where(q)} GROUP BY b
            """, ct, sql.Params(q)))
        .ToDictionary(r => KpiSql.Day(r[0]), r => new BucketTotals(KpiSql.Long(r[1]), KpiSql.Long(r[2]), KpiSql.Long(r[3])));

    /// <summary>Over the whole range: distinct buying members, purchases, net spend.</summary>
    public static async Task<BucketTotals> TotalsAsync(KpiSql sql, KpiQuery q, CancellationToken ct)
    {
        if (await sql.MemberDaysAsync(ct) is { } rows) return await RollupPurchases.TotalsAsync(rows, q, ct);
        var r = (await sql.RowsAsync($"SELECT COUNT(DISTINCT p.member_id), COUNT(*), COALESCE(SUM({PaidSql.Net}), 0) {Where(q)}", ct, sql.Params(q)))[0];
        return new BucketTotals(KpiSql.Long(r[0]), KpiSql.Long(r[1]), KpiSql.Long(r[2]));
    }

    /// <summary>Per bucket: members with ≥ 1 and ≥ 2 paid purchases in the bucket, their purchases and net spend.</summary>
    public static async Task<Dictionary<DateOnly, BucketStats>> PerBucketAsync(KpiSql sql, KpiQuery q, CancellationToken ct) =>
        await sql.MemberDaysAsync(ct) is { } rows ? await RollupPurchases.PerBucketAsync(rows, q, ct) : (await sql.RowsAsync($"""
            SELECT b, COUNT(*), SUM(n >= 2), SUM(n), SUM(net) FROM (
                SELECT {sql.Bucket("p.paid_at", q)} AS b, p.member_id, COUNT(*) AS n, SUM({PaidSql.Net}) AS net
                {Where(q)} GROUP BY b, p.member_id) x
            GROUP BY b
            """, ct, sql.Params(q)))
        .ToDictionary(r => KpiSql.Day(r[0]), r => new BucketStats(KpiSql.Long(r[1]), KpiSql.Long(r[2]), KpiSql.Long(r[3]), KpiSql.Long(r[4])));

    /// <summary>Over the whole range: how many members bought 1, 2, ... 5, 6+ times (key 6 = six or more), with their purchases.</summary>
    public static async Task<SortedDictionary<int, (long Members, long Orders)>> DistributionAsync(KpiSql sql, KpiQuery q, CancellationToken ct)
    {
        if (await sql.MemberDaysAsync(ct) is { } rows) return await RollupPurchases.DistributionAsync(rows, q, ct);
        var raw = await sql.RowsAsync($"""
            SELECT LEAST(n, 6) AS k, COUNT(*), SUM(n) FROM (
                SELECT p.member_id, COUNT(*) AS n {Where(q)} GROUP BY p.member_id) x
            GROUP BY k
            """, ct, sql.Params(q));
        return new SortedDictionary<int, (long, long)>(raw.ToDictionary(r => (int)KpiSql.Long(r[0]), r => (KpiSql.Long(r[1]), KpiSql.Long(r[2]))));
    }

    public sealed record Stages(long Total, long New, long Active, long ActiveIncludingNew, long Dormant)
    {
        public long Lost => Total - New - Active - Dormant;

        /// <summary>
        /// All stores: the stages from the counts both sources (payments, the rollup) compute the same way: members
        /// alive and new (<paramref name="counts"/>: total, new), buyers in the dormant and the active window
        /// (<paramref name="buyers"/>), the corrections for members new or gone at the instant (<paramref name="corrections"/>:
        /// new active, new in the dormant window, gone active, gone in the dormant window), and the dormant members
        /// without a purchase. "Alive" in the corrections covers only new members (the alive members its WHERE finds
        /// that are not new joined after the instant: not alive), so alive ⇒ new.
        /// </summary>
        public static Stages FromCounts(object?[] counts, object?[] buyers, object?[] corrections, long unbought)
        {
            long newActive = KpiSql.Long(corrections[0]), newDormantWindow = KpiSql.Long(corrections[1]);
            long goneActive = KpiSql.Long(corrections[2]), goneDormantWindow = KpiSql.Long(corrections[3]);
            var activeIncludingNew = KpiSql.Long(buyers[1]) - goneActive;
            var active = activeIncludingNew - newActive;
            var boughtNotNew = KpiSql.Long(buyers[0]) - goneDormantWindow - newDormantWindow;
            return new Stages(KpiSql.Long(counts[0]), KpiSql.Long(counts[1]), active, activeIncludingNew, boughtNotNew - active + unbought);
        }
    }

    /// <summary>
    /// Lifecycle stages at the end of the query's last day (loyalty-rules.md §5): new (joined fewer than NewDays
    /// ago), else active (a paid purchase in the last ActiveDays), else dormant (a purchase, or the joining, within
    /// DormantDays), else lost. Members not deleted at that instant; a store filter uses the join store.
    /// </summary>
    public static async Task<Stages> StagesAsync(KpiSql sql, KpiQuery q, CancellationToken ct) =>
        await sql.MemberDaysAsync(ct) is { } rows
            ? q.StoreId is null
                ? await RollupStages.AllStoresAsync(sql, rows, q, StageParams(sql, q), ct)
                : await RollupStages.OneStoreAsync(sql, rows, q, StageParams(sql, q), ct)
            : q.StoreId is null ? await AllStoresStagesAsync(sql, q, ct) : await OneStoreStagesAsync(sql, q, ct);

    private static (string Name, object? Value)[] StageParams(KpiSql sql, KpiQuery q)
    {
        var asOf = sql.EndUtc(q);
        var t = sql.Lifecycle;
        return [("@asOf", asOf), ("@store", q.StoreId), ("@newSince", asOf.AddDays(-t.NewDays)), ("@activeSince", asOf.AddDays(-t.ActiveDays)),
            ("@dormantSince", asOf.AddDays(-t.DormantDays)), ("@claimUntil", asOf.AddDays(ClaimSlackDays))];
    }

    /// <summary>A payment can be claimed by a payer who joins up to 30 days later (Payments:ClaimWindowDays); with slack.</summary>
    private const int ClaimSlackDays = 62;

    private static string Bought(string since) =>
        $"EXISTS (SELECT 1 FROM payments p WHERE p.member_id = m.id AND p.paid_at >= {since} AND p.paid_at < @asOf AND {PaidSql.Paid})";

    /// <summary>One store: its members (a fraction of the programme), each probed on the member-first covering index.</summary>
    private static async Task<Stages> OneStoreStagesAsync(KpiSql sql, KpiQuery q, CancellationToken ct)
    {
        var r = (await sql.RowsAsync($"""
            SELECT COUNT(*), COALESCE(SUM(is_new), 0), COALESCE(SUM(NOT is_new AND a), 0), COALESCE(SUM(a), 0),
                   COALESCE(SUM(NOT is_new AND NOT a AND (d OR joined_at >= @dormantSince)), 0)
            FROM (SELECT m.joined_at, m.joined_at >= @newSince AS is_new, {Bought("@activeSince")} AS a, {Bought("@dormantSince")} AS d
                  FROM members m WHERE m.store_id = @store AND m.joined_at < @asOf AND (m.deleted_at IS NULL OR m.deleted_at >= @asOf)) x
            """, ct, StageParams(sql, q)))[0];
        return new Stages(KpiSql.Long(r[0]), KpiSql.Long(r[1]), KpiSql.Long(r[2]), KpiSql.Long(r[3]), KpiSql.Long(r[4]));
    }

    /// <summary>
    /// All stores: probing every member would read the whole payments index, so the stages are counted instead:
    /// distinct buyers in the active and dormant windows from one covering range scan by time, corrected by the
    /// few members who must not count there (new, deleted, or joined after the instant and claimed an earlier
    /// payment), found through the join-date and deletion indexes.
    /// </summary>
    private static async Task<Stages> AllStoresStagesAsync(KpiSql sql, KpiQuery q, CancellationToken ct)
    {
        var p = StageParams(sql, q);
        var counts = (await sql.RowsAsync("""
            SELECT (SELECT COUNT(*) FROM members m WHERE m.joined_at < @asOf) - (SELECT COUNT(*) FROM members m WHERE m.deleted_at < @asOf),
                   (SELECT COUNT(*) FROM members m WHERE m.joined_at >= @newSince AND m.joined_at < @asOf)
                 - (SELECT COUNT(*) FROM members m WHERE m.deleted_at < @asOf AND m.joined_at >= @newSince AND m.joined_at < @asOf)
            """, ct, p))[0];
        var buyers = (await sql.RowsAsync($"""
            SELECT COUNT(DISTINCT p.member_id), COUNT(DISTINCT CASE WHEN p.paid_at >= @activeSince THEN p.member_id END)
            FROM payments p WHERE p.paid_at >= @dormantSince AND p.paid_at < @asOf AND p.member_id IS NOT NULL AND {PaidSql.Paid}
            """, ct, p))[0];
        // Members who are new, deleted by then, or joined after it: which of them bought in each window.
        var corrections = (await sql.RowsAsync($"""
            SELECT COALESCE(SUM(alive AND a), 0), COALESCE(SUM(alive AND d), 0), COALESCE(SUM(NOT alive AND a), 0), COALESCE(SUM(NOT alive AND d), 0)
            FROM (SELECT m.joined_at < @asOf AND (m.deleted_at IS NULL OR m.deleted_at >= @asOf) AS alive,
                         {Bought("@activeSince")} AS a, {Bought("@dormantSince")} AS d
                  FROM members m WHERE (m.joined_at >= @newSince AND m.joined_at < @claimUntil) OR m.deleted_at < @asOf) x
            """, ct, p))[0];
        // Dormant without a purchase: joined within DormantDays (not new), alive, bought nothing since.
        var unbought = await sql.ScalarAsync<long>($"""
            SELECT COUNT(*) FROM members m
            WHERE m.joined_at >= @dormantSince AND m.joined_at < @newSince AND (m.deleted_at IS NULL OR m.deleted_at >= @asOf)
              AND NOT {Bought("@dormantSince")}
            """, ct, p);
        return Stages.FromCounts(counts, buyers, corrections, unbought);
    }
}

/// <summary>Members who buy: per bucket, and active members (a purchase in the last ActiveDays) at the end.</summary>
public sealed class ActiveMembersPanel(KpiSql sql) : KpiPanel
{
    public override KpiPanelInfo Info { get; } = new("active-members", "活跃会员", "Active members",
        "活跃会员：截至期末最近 90 天内（可配置）至少有一笔有效消费（未全额退款的微信支付）的未注销会员；消费会员：每个周期内有有效消费的会员数；活跃率＝活跃会员÷期末会员。选择门店时按会员的入会门店统计。",
        "Active members: members (not deleted) with at least one paid purchase (a WeChat Pay payment not fully refunded) in the 90 days (configurable) before the end of the period; buying members: members with a paid purchase in each bucket; active rate = active members ÷ members at the end. A store filter counts members by the store they joined at.",
        "members", "line");

    public override async Task<KpiResult> ComputeAsync(KpiQuery q, CancellationToken ct)
    {
        var buckets = sql.Buckets(q);
        var stats = await Purchases.TotalsPerBucketAsync(sql, q, ct);
        var stages = await Purchases.StagesAsync(sql, q, ct);
        long Buyers(KpiBucket b) => stats.GetValueOrDefault(b.Start)?.Buyers ?? 0;
        var days = sql.Lifecycle.ActiveDays;
        return Result(q,
            [new KpiSeries("消费会员", "Buying members", [.. buckets.Select(b => new KpiPoint(b.Label, Buyers(b)))])],
            [
                new KpiFigure("活跃会员", "Active members", stages.ActiveIncludingNew, "members",
                    $"期末前 {days} 天内有有效消费的会员", $"Members with a paid purchase in the {days} days before the end of the period"),
                new KpiFigure("期末会员", "Members at end", stages.Total, "members", "期末已入会且未注销的会员", "Members joined and not deleted at the end of the period"),
                new KpiFigure("活跃率", "Active rate", KpiSql.Percent(stages.ActiveIncludingNew, stages.Total), "percent",
                    "活跃会员 ÷ 期末会员", "Active members ÷ members at end"),
            ],
            new KpiTable(["周期", "消费会员"], ["Period", "Buying members"], [.. buckets.Select(b => (IReadOnlyList<object?>)[b.Label, Buyers(b)])]));
    }
}

/// <summary>Members by lifecycle stage at the end of the period.</summary>
public sealed class LifecycleStagesPanel(KpiSql sql) : KpiPanel
{
    public override KpiPanelInfo Info { get; } = new("lifecycle-stages", "会员生命周期", "Lifecycle stages",
        "期末（所选最后一天结束时）未注销会员按生命周期阶段划分：新会员＝入会不足 30 天；活跃＝最近 90 天内有有效消费；沉睡＝最近 90 天无消费，但 180 天内有消费或入会；流失＝其余（180 天以上无消费）。阈值可配置（Kpis:Lifecycle）。选择门店时按入会门店。",
        "Members (not deleted) at the end of the period's last day by lifecycle stage: new = joined fewer than 30 days ago; active = a paid purchase in the last 90 days; dormant = none in 90 days but a purchase or the joining within 180 days; lost = the rest (no purchase for over 180 days). Thresholds are configuration (Kpis:Lifecycle). A store filter uses the join store.",
        "members", "pie");

    public override async Task<KpiResult> ComputeAsync(KpiQuery q, CancellationToken ct)
    {
        var s = await Purchases.StagesAsync(sql, q, ct);
        var t = sql.Lifecycle;
        (string Zh, string En, long Count, string Def, string DefEn)[] stages =
        [
            ("新会员", "New", s.New, $"入会不足 {t.NewDays} 天", $"Joined fewer than {t.NewDays} days ago"),
            ("活跃", "Active", s.Active, $"非新会员，最近 {t.ActiveDays} 天内有有效消费", $"Not new; a paid purchase in the last {t.ActiveDays} days"),
            ("沉睡", "Dormant", s.Dormant, $"最近 {t.ActiveDays} 天无消费，{t.DormantDays} 天内有消费或入会",
                $"No purchase in {t.ActiveDays} days; a purchase or the joining within {t.DormantDays} days"),
            ("流失", "Lost", s.Lost, $"{t.DormantDays} 天以上无消费", $"No purchase (nor joining) for more than {t.DormantDays} days"),
        ];
        return Result(q,
            [new KpiSeries("会员数", "Members", [.. stages.Select(x => new KpiPoint(x.En.ToLowerInvariant(), x.Count))])],
            [.. stages.Select(x => new KpiFigure(x.Zh, x.En, x.Count, "members", x.Def, x.DefEn))],
            new KpiTable(["阶段", "Stage", "会员数", "占比%"], ["阶段", "Stage", "Members", "Share %"],
                [.. stages.Select(x => (IReadOnlyList<object?>)[x.Zh, x.En, x.Count, KpiSql.Percent(x.Count, s.Total)])]));
    }
}

/// <summary>Repurchase rate: members with ≥ 2 paid purchases ÷ members with ≥ 1 (loyalty-rules.md §7).</summary>
public sealed class RepurchaseRatePanel(KpiSql sql) : KpiPanel
{
    public override KpiPanelInfo Info { get; } = new("repurchase-rate", "复购率", "Repurchase rate",
        "复购率＝期间内有 2 笔及以上有效消费的会员数 ÷ 有 1 笔及以上有效消费的会员数（有效消费＝未全额退款的微信支付）。每个周期单独计算。选择门店时按会员的入会门店统计。",
        "Repurchase rate = members with two or more paid purchases in the period ÷ members with at least one (paid purchase = a WeChat Pay payment not fully refunded). Each bucket is computed on its own. A store filter counts members by the store they joined at.",
        "percent", "line");

    public override async Task<KpiResult> ComputeAsync(KpiQuery q, CancellationToken ct)
    {
        var buckets = sql.Buckets(q);
        var stats = await Purchases.PerBucketAsync(sql, q, ct);
        var dist = await Purchases.DistributionAsync(sql, q, ct);
        var buyers = dist.Values.Sum(v => v.Members);
        var repeaters = dist.Where(d => d.Key >= 2).Sum(d => d.Value.Members);
        Purchases.BucketStats S(KpiBucket b) => stats.GetValueOrDefault(b.Start) ?? new(0, 0, 0, 0);
        return Result(q,
            [new KpiSeries("复购率", "Repurchase rate", [.. buckets.Select(b => new KpiPoint(b.Label, KpiSql.Percent(S(b).Repeaters, S(b).Buyers)))])],
            [
                new KpiFigure("复购率", "Repurchase rate", KpiSql.Percent(repeaters, buyers), "percent",
                    "≥2 笔有效消费的会员 ÷ ≥1 笔的会员（整个期间）", "Members with ≥ 2 paid purchases ÷ members with ≥ 1 (whole period)"),
                new KpiFigure("消费会员", "Buying members", buyers, "members", "期间内有有效消费的会员", "Members with a paid purchase in the period"),
                new KpiFigure("复购会员", "Repeat buyers", repeaters, "members", "期间内有 2 笔及以上有效消费的会员", "Members with two or more paid purchases in the period"),
            ],
            new KpiTable(["周期", "消费会员", "复购会员", "复购率%"], ["Period", "Buying members", "Repeat buyers", "Repurchase rate %"],
                [.. buckets.Select(b => (IReadOnlyList<object?>)[b.Label, S(b).Buyers, S(b).Repeaters, KpiSql.Percent(S(b).Repeaters, S(b).Buyers)])]));
    }
}

/// <summary>Purchase frequency: paid purchases per buying member, and how many bought once, twice, ...</summary>
public sealed class PurchaseFrequencyPanel(KpiSql sql) : KpiPanel
{
    public override KpiPanelInfo Info { get; } = new("purchase-frequency", "购买频次", "Purchase frequency",
        "购买频次＝期间内会员的有效消费笔数 ÷ 有消费的会员数；分布：期间内消费 1、2、3、4、5、6 笔及以上的会员数。选择门店时按会员的入会门店统计。",
        "Purchase frequency = members' paid purchases in the period ÷ members who bought; distribution: members who bought 1, 2, 3, 4, 5, 6 or more times in the period. A store filter counts members by the store they joined at.",
        "count", "bar");

    public override async Task<KpiResult> ComputeAsync(KpiQuery q, CancellationToken ct)
    {
        var buckets = sql.Buckets(q);
        var stats = await Purchases.TotalsPerBucketAsync(sql, q, ct);
        var dist = await Purchases.DistributionAsync(sql, q, ct);
        var buyers = dist.Values.Sum(v => v.Members);
        var orders = dist.Values.Sum(v => v.Orders);
        string Label(int k) => k >= 6 ? "6+" : k.ToString(System.Globalization.CultureInfo.InvariantCulture);
        var keys = Enumerable.Range(1, 6).ToList();
        return Result(q,
            [
                new KpiSeries("会员数", "Members", [.. keys.Select(k => new KpiPoint(Label(k), dist.GetValueOrDefault(k).Members))]),
                new KpiSeries("人均笔数（按周期）", "Purchases per buyer (per bucket)", [.. buckets.Select(b => new KpiPoint(b.Label,
                    stats.TryGetValue(b.Start, out var s) ? KpiSql.Ratio(s.Orders, s.Buyers) : null))]),
            ],
            [
                new KpiFigure("购买频次", "Purchase frequency", KpiSql.Ratio(orders, buyers), "count", "有效消费笔数 ÷ 消费会员数", "Paid purchases ÷ buying members"),
                new KpiFigure("有效消费笔数", "Paid purchases", orders, "count", "期间内会员的有效消费笔数", "Members' paid purchases in the period"),
                new KpiFigure("消费会员", "Buying members", buyers, "members", "期间内有有效消费的会员", "Members with a paid purchase in the period"),
            ],
            new KpiTable(["消费笔数", "会员数", "消费笔数合计"], ["Purchases", "Members", "Purchases in total"],
                [.. keys.Select(k => (IReadOnlyList<object?>)[Label(k), dist.GetValueOrDefault(k).Members, dist.GetValueOrDefault(k).Orders])]));
    }
}

/// <summary>Churn: members who bought in the previous period and not in this one.</summary>
public sealed class ChurnPanel(KpiSql sql) : KpiPanel
{
    public override KpiPanelInfo Info { get; } = new("churn", "流失率", "Churn",
        "流失会员＝上一期间有有效消费、本期间没有有效消费的会员；流失率＝流失会员 ÷ 上一期间消费会员。整体数字以所选期间对比紧邻其前、等长的期间；每个周期与其前一个完整周期对比。选择门店时按入会门店。",
        "Churned members = members with a paid purchase in the previous period and none in this one; churn rate = churned ÷ members who bought in the previous period. The headline compares the selected period with the equally long period just before it; each bucket is compared with the whole bucket before it. A store filter uses the join store.",
        "percent", "line");

    public override async Task<KpiResult> ComputeAsync(KpiQuery q, CancellationToken ct)
    {
        var buckets = sql.Buckets(q);
        var days = q.To.DayNumber - q.From.DayNumber + 1;
        var prevFrom = sql.StartUtc(q.From.AddDays(-days));
        var firstPrevDay = PreviousStart(buckets[0].Start, q.Grain);
        if (await sql.MemberDaysAsync(ct) is { } memberDays)
        {
            var (previous, gone) = await RollupPurchases.ChurnAsync(memberDays, q, q.From.AddDays(-days), ct);
            var byBucket = await RollupPurchases.ChurnPerBucketAsync(memberDays, q, firstPrevDay, ct);
            return Churn(q, buckets, days, previous, gone, [.. buckets.Select((b, k) => byBucket.GetValueOrDefault(k == 0 ? firstPrevDay : buckets[k - 1].Start))]);
        }
        var join = Purchases.StoreJoin(q);
        // One grouped pass over both periods (per member: bought before, bought in the period) rather than a probe
        // per previous buyer: the probes read the payments index at random, which at 1M members comes from disk.
        var overall = (await sql.RowsAsync($"""
            SELECT COALESCE(SUM(a), 0), COALESCE(SUM(a AND NOT c), 0)
            FROM (SELECT MAX(p.paid_at < @from) AS a, MAX(p.paid_at >= @from) AS c FROM payments p{join}
                  WHERE p.paid_at >= @prevFrom AND p.paid_at < @to AND p.member_id IS NOT NULL AND {PaidSql.Paid}
                  GROUP BY p.member_id) x
            """, ct, sql.Params(q, ("@prevFrom", prevFrom))))[0];
        var previousBuyers = KpiSql.Long(overall[0]);
        var churned = KpiSql.Long(overall[1]);

        // Per bucket, in one pass: each member's buckets with a purchase as bits (bucket 0 = the whole bucket before
        // the first one), 63 buckets per BIGINT; then for every bucket k, members with bit k-1 and those without bit k.
        // A self-join of (member, bucket) pairs costs ten times more over a year.
        var firstPrev = sql.StartUtc(firstPrevDay);
        var local = sql.Local("p.paid_at", firstPrev, sql.EndUtc(q));
        var index = q.Grain switch
        {
            KpiGrain.Day => $"DATEDIFF(DATE({local}), @firstDay)",
            KpiGrain.Week => $"(DATEDIFF(DATE({local}), @firstDay) DIV 7)",
            _ => $"PERIOD_DIFF(DATE_FORMAT({local}, '%Y%m'), DATE_FORMAT(@firstDay, '%Y%m'))",
        };
        var n = buckets.Count; // bits 0..n: the previous bucket and the query's buckets
        var words = n / 63 + 1;
        var masks = string.Join(", ", Enumerable.Range(0, words).Select(w =>
            $"BIT_OR(CASE WHEN i BETWEEN {w * 63} AND {w * 63 + 62} THEN CAST(1 AS UNSIGNED) << (i - {w * 63}) ELSE 0 END) AS m{w}"));
        string Bit(int k) => $"((m{k / 63} >> {k % 63}) & 1)";
        var sums = string.Join(", ", Enumerable.Range(1, n).Select(k => $"SUM({Bit(k - 1)}), SUM({Bit(k - 1)} = 1 AND {Bit(k)} = 0)"));
        var row = (await sql.RowsAsync($"""
            SELECT {sums} FROM (
                SELECT {masks} FROM (SELECT p.member_id, {index} AS i FROM payments p{join}
                                     WHERE p.paid_at >= @first AND p.paid_at < @to AND p.member_id IS NOT NULL AND {PaidSql.Paid}) x
                GROUP BY x.member_id) y
            """, ct, sql.Params(q, ("@first", firstPrev), ("@firstDay", firstPrevDay.ToDateTime(TimeOnly.MinValue)))))[0];
        return Churn(q, buckets, days, previousBuyers, churned, [.. buckets.Select((_, k) => (KpiSql.Long(row[2 * k]), KpiSql.Long(row[2 * k + 1])))]);
    }

    /// <summary>The panel from its numbers: per bucket (in order) the previous bucket's buyers and those of them who churned.</summary>
    private KpiResult Churn(KpiQuery q, IReadOnlyList<KpiBucket> buckets, int days, long previousBuyers, long churned, IReadOnlyList<(long Prev, long Churned)> perBucket)
    {
        var index = buckets.Select((b, k) => (b.Start, k)).ToDictionary(x => x.Start, x => x.k);
        (long Prev, long Churned) S(KpiBucket b) => perBucket[index[b.Start]];
        return Result(q,
            [new KpiSeries("流失率", "Churn rate", [.. buckets.Select(b => new KpiPoint(b.Label, KpiSql.Percent(S(b).Churned, S(b).Prev)))])],
            [
                new KpiFigure("流失率", "Churn rate", KpiSql.Percent(churned, previousBuyers), "percent",
                    "上期消费、本期未消费的会员 ÷ 上期消费会员", "Bought last period, not this period ÷ bought last period"),
                new KpiFigure("流失会员", "Churned members", churned, "members", "上期有消费、本期无消费的会员", "Members who bought in the previous period but not in this one"),
                new KpiFigure("上期消费会员", "Buyers in previous period", previousBuyers, "members",
                    $"所选期间之前 {days} 天内有有效消费的会员", $"Members with a paid purchase in the {days} days before the period"),
            ],
            new KpiTable(["周期", "上一周期消费会员", "流失会员", "流失率%"], ["Period", "Buyers in previous bucket", "Churned", "Churn rate %"],
                [.. buckets.Select(b => (IReadOnlyList<object?>)[b.Label, S(b).Prev, S(b).Churned, KpiSql.Percent(S(b).Churned, S(b).Prev)])]));
    }

    private static DateOnly PreviousStart(DateOnly start, KpiGrain grain) => grain switch
    {
        KpiGrain.Day => start.AddDays(-1),
        KpiGrain.Week => start.AddDays(-7),
        _ => start.AddMonths(-1),
    };
}

/// <summary>Average order value, members vs payers who are not members.</summary>
public sealed class AovPanel(KpiSql sql) : KpiPanel
{
    public override KpiPanelInfo Info { get; } = new("aov", "客单价：会员 vs 非会员", "AOV: members vs non-members",
        "客单价＝有效消费的净额（实付金额 payer_total 减退款）÷ 笔数，单位元。会员：支付归属于会员（含入会 30 天内认领的入会前支付）；非会员：未归属任何会员的支付。选择门店时按支付门店统计（线上小程序订单无门店）。",
        "AOV = net amount of paid purchases (what the payer paid, payer_total, minus refunds) ÷ their number, in CNY. Members: payments attributed to a member (including payments made before joining and claimed within 30 days); non-members: payments attributed to no member. A store filter counts payments by the store they were made at (mini-program orders have none).",
        "CNY", "bar");

    public override async Task<KpiResult> ComputeAsync(KpiQuery q, CancellationToken ct)
    {
        var buckets = sql.Buckets(q);
        var rows = await sql.RowsAsync($"""
            SELECT {sql.Bucket("p.paid_at", q)} AS b, p.member_id IS NOT NULL AS is_member, COUNT(*), SUM({PaidSql.Net})
            FROM payments p WHERE p.paid_at >= @from AND p.paid_at < @to AND {PaidSql.Paid}{KpiSql.StoreFilter(q, "p.store_id")}
            GROUP BY b, is_member
            """, ct, sql.Params(q));
        var stats = rows.ToDictionary(r => (KpiSql.Day(r[0]), KpiSql.Long(r[1]) == 1), r => (Orders: KpiSql.Long(r[2]), Net: KpiSql.Long(r[3])));
        (long Orders, long Net) Sum(bool member) =>
            (stats.Where(s => s.Key.Item2 == member).Sum(s => s.Value.Orders), stats.Where(s => s.Key.Item2 == member).Sum(s => s.Value.Net));
        decimal? Aov((long Orders, long Net) s) => s.Orders == 0 ? null : KpiSql.Cny((decimal)s.Net / s.Orders);
        var m = Sum(true);
        var n = Sum(false);
        return Result(q,
            [
                new KpiSeries("会员客单价", "Member AOV", [.. buckets.Select(b => new KpiPoint(b.Label, Aov(stats.GetValueOrDefault((b.Start, true)))))]),
                new KpiSeries("非会员客单价", "Non-member AOV", [.. buckets.Select(b => new KpiPoint(b.Label, Aov(stats.GetValueOrDefault((b.Start, false)))))]),
            ],
            [
                new KpiFigure("会员客单价", "Member AOV", Aov(m), "CNY", "会员有效消费净额 ÷ 笔数", "Members' net paid amount ÷ their paid purchases"),
                new KpiFigure("非会员客单价", "Non-member AOV", Aov(n), "CNY", "非会员有效消费净额 ÷ 笔数", "Non-members' net paid amount ÷ their paid purchases"),
                new KpiFigure("会员消费笔数", "Member purchases", m.Orders, "count", "会员有效消费笔数", "Members' paid purchases"),
                new KpiFigure("非会员消费笔数", "Non-member purchases", n.Orders, "count", "非会员有效消费笔数", "Non-members' paid purchases"),
                new KpiFigure("会员消费占比", "Member share of sales", KpiSql.Percent(m.Net, m.Net + n.Net), "percent",
                    "会员净额 ÷ 全部净额", "Members' net amount ÷ all net amount"),
            ],
            new KpiTable(["周期", "会员笔数", "会员净额(元)", "会员客单价(元)", "非会员笔数", "非会员净额(元)", "非会员客单价(元)"],
                ["Period", "Member purchases", "Member net (CNY)", "Member AOV (CNY)", "Non-member purchases", "Non-member net (CNY)", "Non-member AOV (CNY)"],
                [.. buckets.Select(b =>
                {
                    var ms = stats.GetValueOrDefault((b.Start, true));
                    var ns = stats.GetValueOrDefault((b.Start, false));
                    return (IReadOnlyList<object?>)[b.Label, ms.Orders, KpiSql.Cny(ms.Net), Aov(ms), ns.Orders, KpiSql.Cny(ns.Net), Aov(ns)];
                })]));
    }
}

/// <summary>ARPU: members' net spend per member.</summary>
public sealed class ArpuPanel(KpiSql sql) : KpiPanel
{
    public override KpiPanelInfo Info { get; } = new("arpu", "ARPU（每会员平均收入）", "ARPU",
        "ARPU＝期间内会员有效消费净额（实付减退款）÷ 期末会员数（已入会且未注销），单位元；ARPPU＝同一净额 ÷ 期间内有消费的会员数。每个周期用该周期的净额与周期末会员数。选择门店时按会员的入会门店统计。",
        "ARPU = members' net paid amount in the period (paid minus refunds) ÷ members at the end of the period (joined, not deleted), in CNY; ARPPU = the same amount ÷ members who bought in the period. Each bucket uses its own amount and the members at its end. A store filter counts members by the store they joined at.",
        "CNY", "line");

    public override async Task<KpiResult> ComputeAsync(KpiQuery q, CancellationToken ct)
    {
        var buckets = sql.Buckets(q);
        var stats = await Purchases.TotalsPerBucketAsync(sql, q, ct);
        var totals = await Purchases.TotalsAsync(sql, q, ct);
        var (_, _, _, atEnd) = await MemberCounts.SeriesAsync(sql, q, buckets, ct);
        var net = totals.NetFen;
        var buyers = totals.Buyers;
        var members = atEnd[^1];
        decimal? PerMember(long fen, long count) => count == 0 ? null : KpiSql.Cny((decimal)fen / count);
        return Result(q,
            [new KpiSeries("ARPU", "ARPU", [.. buckets.Select((b, i) => new KpiPoint(b.Label, PerMember(stats.GetValueOrDefault(b.Start)?.NetFen ?? 0, atEnd[i])))])],
            [
                new KpiFigure("ARPU", "ARPU", PerMember(net, members), "CNY", "会员净消费 ÷ 期末会员数", "Members' net spend ÷ members at end"),
                new KpiFigure("ARPPU", "ARPPU", PerMember(net, buyers), "CNY", "会员净消费 ÷ 消费会员数", "Members' net spend ÷ buying members"),
                new KpiFigure("会员净消费", "Members' net spend", KpiSql.Cny(net), "CNY", "期间内会员有效消费净额", "Members' net paid amount in the period"),
                new KpiFigure("期末会员", "Members at end", members, "members", "期末已入会且未注销的会员", "Members joined and not deleted at the end"),
            ],
            new KpiTable(["周期", "会员净消费(元)", "期末会员", "ARPU(元)"], ["Period", "Members' net spend (CNY)", "Members at end", "ARPU (CNY)"],
                [.. buckets.Select((b, i) => (IReadOnlyList<object?>)[b.Label, KpiSql.Cny(stats.GetValueOrDefault(b.Start)?.NetFen ?? 0), atEnd[i],
                    PerMember(stats.GetValueOrDefault(b.Start)?.NetFen ?? 0, atEnd[i])])]));
    }
}
