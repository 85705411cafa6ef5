using WechatLoyalty.Domain.Members;

namespace WechatLoyalty.Domain.Kpis;

/// <summary>Member counts shared by several panels.</summary>
internal static class MemberCounts
{
    /// <summary>Members at an instant: joined before it, not deleted before it (join store filter).</summary>
    public static async Task<long> AtAsync(KpiSql sql, KpiQuery q, DateTime atUtc, CancellationToken ct)
    {
        var store = KpiSql.StoreFilter(q, "m.store_id");
        var rows = await sql.RowsAsync($"""
            SELECT (SELECT COUNT(*) FROM members m WHERE m.joined_at < @at{store}),
                   (SELECT COUNT(*) FROM members m WHERE m.deleted_at < @at{store})
            """, ct, ("@at", atUtc), ("@store", q.StoreId));
        return KpiSql.Long(rows[0][0]) - KpiSql.Long(rows[0][1]);
    }

    /// <summary>Members at the end of each bucket: members at the start plus joins minus deletions, cumulated.</summary>
    public static async Task<(long AtStart, Dictionary<DateOnly, long> Joined, Dictionary<DateOnly, long> Deleted, List<long> AtEnd)> SeriesAsync(
        KpiSql sql, KpiQuery q, IReadOnlyList<KpiBucket> buckets, CancellationToken ct)
    {
        var store = KpiSql.StoreFilter(q, "m.store_id");
        var atStart = await AtAsync(sql, q, sql.StartUtc(q.From), ct);
        var joined = (await sql.RowsAsync($"""
            SELECT {sql.Bucket("m.joined_at", q)} AS b, COUNT(*) FROM members m
            WHERE m.joined_at >= @from AND m.joined_at < @to{store} GROUP BY b
            """, ct, sql.Params(q))).ToDictionary(r => KpiSql.Day(r[0]), r => KpiSql.Long(r[1]));
        var deleted = (await sql.RowsAsync($"""
            SELECT {sql.Bucket("m.deleted_at", q)} AS b, COUNT(*) FROM members m
            WHERE m.deleted_at >= @from AND m.deleted_at < @to{store} GROUP BY b
            """, ct, sql.Params(q))).ToDictionary(r => KpiSql.Day(r[0]), r => KpiSql.Long(r[1]));
        var atEnd = new List<long>();
        var running = atStart;
        foreach (var b in buckets)
        {
            running += joined.GetValueOrDefault(b.Start) - deleted.GetValueOrDefault(b.Start);
            atEnd.Add(running);
        }
        return (atStart, joined, deleted, atEnd);
    }

    public static string SourceZh(string source) => source switch
    {
        nameof(JoinSource.StoreQr) => "门店二维码",
        nameof(JoinSource.OfficialAccountQr) => "公众号二维码",
        nameof(JoinSource.Referral) => "好友推荐",
        nameof(JoinSource.Organic) => "自然进入",
        _ => source,
    };

    public static string SourceEn(string source) => source switch
    {
        nameof(JoinSource.StoreQr) => "Store QR",
        nameof(JoinSource.OfficialAccountQr) => "Official-account QR",
        nameof(JoinSource.Referral) => "Referral",
        nameof(JoinSource.Organic) => "Organic",
        _ => source,
    };
}

/// <summary>New members per day/week/month and the member count they add up to.</summary>
public sealed class MemberGrowthPanel(KpiSql sql) : KpiPanel
{
    public override KpiPanelInfo Info { get; } = new("member-growth", "会员增长", "Member growth",
        "新会员：在所选期间（按项目时区的自然日）完成入会的会员数；期末会员：截至每个周期末已入会且未注销的会员数；增长率＝期间新会员÷期初会员。选择门店时按会员的入会门店统计。",
        "New members: members who joined in the period (programme-time-zone days); members at end: joined by the end of each bucket and not deleted; growth rate = new members ÷ members at the start. A store filter counts members by the store they joined at.",
        "members", "line");

    public override async Task<KpiResult> ComputeAsync(KpiQuery q, CancellationToken ct)
    {
        var buckets = sql.Buckets(q);
        var (atStart, joined, deleted, atEnd) = await MemberCounts.SeriesAsync(sql, q, buckets, ct);
        var newTotal = joined.Values.Sum();
        var deletedTotal = deleted.Values.Sum();
        var end = atEnd.Count > 0 ? atEnd[^1] : atStart;
        return Result(q,
            [
                new KpiSeries("新会员", "New members", [.. buckets.Select(b => new KpiPoint(b.Label, joined.GetValueOrDefault(b.Start)))]),
                new KpiSeries("期末会员", "Members at end", [.. buckets.Select((b, i) => new KpiPoint(b.Label, atEnd[i]))]),
            ],
            [
                new KpiFigure("新会员", "New members", newTotal, "members", "期间内入会的会员数", "Members who joined in the period"),
                new KpiFigure("注销会员", "Deleted accounts", deletedTotal, "members", "期间内注销账户的会员数", "Members who deleted their account in the period"),
                new KpiFigure("期初会员", "Members at start", atStart, "members", "期间开始时已入会且未注销的会员数", "Members joined and not deleted when the period starts"),
                new KpiFigure("期末会员", "Members at end", end, "members", "期间结束时已入会且未注销的会员数", "Members joined and not deleted when the period ends"),
                new KpiFigure("增长率", "Growth rate", KpiSql.Percent(newTotal, atStart), "percent", "期间新会员 ÷ 期初会员", "New members in the period ÷ members at start"),
            ],
            new KpiTable(["周期", "新会员", "注销", "期末会员"], ["Period", "New members", "Deleted", "Members at end"],
                [.. buckets.Select((b, i) => (IReadOnlyList<object?>)[b.Label, joined.GetValueOrDefault(b.Start), deleted.GetValueOrDefault(b.Start), atEnd[i]])]));
    }
}

/// <summary>New members per store: which stores bring members in.</summary>
public sealed class MemberGrowthByStorePanel(KpiSql sql) : KpiPanel
{
    public override KpiPanelInfo Info { get; } = new("member-growth-by-store", "各门店会员增长", "Member growth by store",
        "各门店在所选期间的新会员数（按会员的入会门店；无门店＝线上或自然入会），以及期末该门店的会员总数（已入会且未注销）。",
        "New members per store in the period (by the store they joined at; no store = joined online or organically), and each store's members at the end of the period (joined and not deleted).",
        "members", "bar");

    public override async Task<KpiResult> ComputeAsync(KpiQuery q, CancellationToken ct)
    {
        var store = KpiSql.StoreFilter(q, "m.store_id");
        var p = sql.Params(q);
        var joined = (await sql.RowsAsync($"""
            SELECT m.store_id, COUNT(*) FROM members m WHERE m.joined_at >= @from AND m.joined_at < @to{store} GROUP BY m.store_id
            """, ct, p)).ToDictionary(r => r[0] is null ? 0L : KpiSql.Long(r[0]), r => KpiSql.Long(r[1]));
        var total = (await sql.RowsAsync($"""
            SELECT m.store_id, COUNT(*) FROM members m WHERE m.joined_at < @to{store} GROUP BY m.store_id
            """, ct, p)).ToDictionary(r => r[0] is null ? 0L : KpiSql.Long(r[0]), r => KpiSql.Long(r[1]));
        foreach (var r in await sql.RowsAsync($"""
            SELECT m.store_id, COUNT(*) FROM members m WHERE m.deleted_at < @to{store} GROUP BY m.store_id
            """, ct, p))
        {
            var id = r[0] is null ? 0L : KpiSql.Long(r[0]);
            total[id] = total.GetValueOrDefault(id) - KpiSql.Long(r[1]);
        }
        var stores = (await sql.RowsAsync($"SELECT s.id, s.code, s.name FROM stores s{(q.StoreId is null ? "" : " WHERE s.id = @store")}", ct, p))
            .ToDictionary(r => KpiSql.Long(r[0]), r => (Code: (string)r[1]!, Name: (string)r[2]!));
        var ids = stores.Keys.Concat(joined.Keys).Concat(total.Keys).Distinct()
            .Where(id => id != 0 || joined.ContainsKey(0) || total.GetValueOrDefault(0) != 0)
            .OrderByDescending(id => joined.GetValueOrDefault(id)).ThenBy(id => stores.TryGetValue(id, out var s) ? s.Code : "~").ToList();
        string Code(long id) => id == 0 ? "-" : stores.TryGetValue(id, out var s) ? s.Code : id.ToString(System.Globalization.CultureInfo.InvariantCulture);
        string Name(long id) => id == 0 ? "无门店 (no store)" : stores.TryGetValue(id, out var s) ? s.Name : "";
        return Result(q,
            [
                new KpiSeries("新会员", "New members", [.. ids.Select(id => new KpiPoint(Code(id), joined.GetValueOrDefault(id)))]),
                new KpiSeries("期末会员", "Members at end", [.. ids.Select(id => new KpiPoint(Code(id), total.GetValueOrDefault(id)))]),
            ],
            [new KpiFigure("新会员", "New members", joined.Values.Sum(), "members", "所有所选门店期间内的新会员", "New members in the period, all selected stores")],
            new KpiTable(["门店编码", "门店", "新会员", "期末会员"], ["Store code", "Store", "New members", "Members at end"],
                [.. ids.Select(id => (IReadOnlyList<object?>)[Code(id), Name(id), joined.GetValueOrDefault(id), total.GetValueOrDefault(id)])]));
    }
}

/// <summary>New members per entry path and bucket: store QR, official-account QR, referral, organic.</summary>
public sealed class MemberGrowthBySourcePanel(KpiSql sql) : KpiPanel
{
    private static readonly string[] Sources = [.. Enum.GetNames<JoinSource>()];

    public override KpiPanelInfo Info { get; } = new("member-growth-by-source", "会员来源", "Member growth by source",
        "所选期间各入会渠道的新会员数：门店二维码、公众号二维码、好友推荐、自然进入（直接打开小程序）。选择门店时按会员的入会门店统计。",
        "New members in the period by entry path: store QR code, official-account QR code, referral card, organic (opened the mini-program directly). A store filter counts members by the store they joined at.",
        "members", "bar");

    public override async Task<KpiResult> ComputeAsync(KpiQuery q, CancellationToken ct)
    {
        var buckets = sql.Buckets(q);
        var rows = await sql.RowsAsync($"""
            SELECT {sql.Bucket("m.joined_at", q)} AS b, m.join_source, COUNT(*) FROM members m
            WHERE m.joined_at >= @from AND m.joined_at < @to{KpiSql.StoreFilter(q, "m.store_id")} GROUP BY b, m.join_source
            """, ct, sql.Params(q));
        var counts = rows.ToDictionary(r => (KpiSql.Day(r[0]), (string)r[1]!), r => KpiSql.Long(r[2]));
        long Count(DateOnly b, string s) => counts.GetValueOrDefault((b, s));
        long Total(string s) => counts.Where(c => c.Key.Item2 == s).Sum(c => c.Value);
        return Result(q,
            [.. Sources.Select(s => new KpiSeries(MemberCounts.SourceZh(s), MemberCounts.SourceEn(s),
                [.. buckets.Select(b => new KpiPoint(b.Label, Count(b.Start, s)))]))],
            [.. Sources.Select(s => new KpiFigure(MemberCounts.SourceZh(s), MemberCounts.SourceEn(s), Total(s), "members",
                $"期间内通过“{MemberCounts.SourceZh(s)}”入会的会员数", $"Members who joined through {MemberCounts.SourceEn(s)} in the period"))],
            new KpiTable(["周期", .. Sources.Select(MemberCounts.SourceZh)], ["Period", .. Sources.Select(MemberCounts.SourceEn)],
                [.. buckets.Select(b => (IReadOnlyList<object?>)[b.Label, .. Sources.Select(s => (object?)Count(b.Start, s))])]));
    }
}
