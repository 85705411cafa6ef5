using WechatLoyalty.Domain.Points;

namespace WechatLoyalty.Domain.Kpis;

/// <summary>Points issued, redeemed, expired and outstanding, with the outstanding points' liability in CNY.</summary>
public sealed class PointsPanel(KpiSql sql) : KpiPanel
{
    public override KpiPanelInfo Info { get; } = new("points", "积分发放与负债", "Points and liability",
        "按积分流水（只增不改的账本）统计：发放＝获得积分（消费、入会、推荐、生日、升级、活动，含待生效积分）加人工加分；兑换＝抵扣使用的积分减去订单关闭退回的积分；过期＝到期清除的积分；冲回＝退款扣回与人工扣分；未兑付余额＝期末所有会员可用积分加待生效积分之和（含退款造成的负余额）；负债（元）＝未兑付余额 ÷ 兑换比例（默认 10 积分＝1 元，以项目规则为准）。选择门店时按会员的入会门店。",
        "From the append-only points ledger: issued = points earned (purchases, welcome, referral, birthday, upgrade, campaign; pending included) plus manual credits; redeemed = points spent on orders minus points released when an order closed unpaid; expired = points removed at expiry; reversed = refund reversals and manual debits; outstanding = all members' available plus pending points at the end of the period (negative balances after refunds included); liability (CNY) = outstanding ÷ the redemption rate (10 points = 1 CNY unless the programme says otherwise). A store filter uses the members' join store.",
        "points", "bar");

    public override async Task<KpiResult> ComputeAsync(KpiQuery q, CancellationToken ct)
    {
        var buckets = sql.Buckets(q);
        var join = q.StoreId is null ? "" : " JOIN members m ON m.id = e.member_id AND m.store_id = @store";
        var rows = await sql.RowsAsync($"""
            SELECT {sql.Bucket("e.created_at", q)} AS b, e.kind,
                   SUM(GREATEST(e.delta + e.pending_delta, 0)), SUM(LEAST(e.delta + e.pending_delta, 0))
            FROM point_entries e{join} WHERE e.created_at >= @from AND e.created_at < @to
            GROUP BY b, e.kind
            """, ct, sql.Params(q));
        var sums = rows.ToDictionary(r => (KpiSql.Day(r[0]), (string)r[1]!), r => (Plus: KpiSql.Long(r[2]), Minus: KpiSql.Long(r[3])));
        (long Plus, long Minus) K(DateOnly? b, PointEntryKind kind) =>
            b is { } day ? sums.GetValueOrDefault((day, kind.ToString()))
            : (sums.Where(s => s.Key.Item2 == kind.ToString()).Sum(s => s.Value.Plus), sums.Where(s => s.Key.Item2 == kind.ToString()).Sum(s => s.Value.Minus));
        long Issued(DateOnly? b) => K(b, PointEntryKind.Earn).Plus + K(b, PointEntryKind.Earn).Minus + K(b, PointEntryKind.Adjust).Plus;
        long Redeemed(DateOnly? b) => -(K(b, PointEntryKind.Redeem).Minus + K(b, PointEntryKind.Redeem).Plus + K(b, PointEntryKind.RedeemRelease).Plus + K(b, PointEntryKind.RedeemRelease).Minus);
        long Expired(DateOnly? b) => -(K(b, PointEntryKind.Expire).Minus + K(b, PointEntryKind.Expire).Plus);
        long Reversed(DateOnly? b) => -(K(b, PointEntryKind.Refund).Minus + K(b, PointEntryKind.Refund).Plus + K(b, PointEntryKind.Adjust).Minus);

        // Outstanding at the end: today's balances minus what the ledger moved since then (an index range over
        // recent entries instead of a sum over the whole history).
        var now = await sql.RowsAsync($"""
            SELECT COALESCE(SUM(m.points_balance), 0), COALESCE(SUM(m.pending_points), 0) FROM members m WHERE 1 = 1{KpiSql.StoreFilter(q, "m.store_id")}
            """, ct, sql.Params(q));
        var since = await sql.RowsAsync($"""
            SELECT COALESCE(SUM(e.delta), 0), COALESCE(SUM(e.pending_delta), 0) FROM point_entries e{join} WHERE e.created_at >= @to
            """, ct, sql.Params(q));
        var available = KpiSql.Long(now[0][0]) - KpiSql.Long(since[0][0]);
        var pending = KpiSql.Long(now[0][1]) - KpiSql.Long(since[0][1]);
        var outstanding = available + pending;
        var rules = await sql.RulesAsync(q, ct);
        var rate = rules.RedemptionPointsPerYuan;
        var liability = Math.Round((decimal)outstanding / rate, 2, MidpointRounding.AwayFromZero);
        return Result(q,
            [
                new KpiSeries("发放", "Issued", [.. buckets.Select(b => new KpiPoint(b.Label, Issued(b.Start)))]),
                new KpiSeries("兑换", "Redeemed", [.. buckets.Select(b => new KpiPoint(b.Label, Redeemed(b.Start)))]),
                new KpiSeries("过期", "Expired", [.. buckets.Select(b => new KpiPoint(b.Label, Expired(b.Start)))]),
            ],
            [
                new KpiFigure("发放积分", "Points issued", Issued(null), "points", "获得积分（含待生效）＋人工加分", "Points earned (pending included) + manual credits"),
                new KpiFigure("兑换积分", "Points redeemed", Redeemed(null), "points", "抵扣使用的积分 − 关闭订单退回的积分", "Points spent on orders − points released from closed orders"),
                new KpiFigure("过期积分", "Points expired", Expired(null), "points", "到期清除的积分", "Points removed at expiry"),
                new KpiFigure("冲回积分", "Points reversed", Reversed(null), "points", "退款扣回＋人工扣分", "Refund reversals + manual debits"),
                new KpiFigure("未兑付积分", "Points outstanding", outstanding, "points", "期末可用＋待生效积分合计", "Available + pending points at the end of the period"),
                new KpiFigure("其中待生效", "of which pending", pending, "points", "期末仍在退货期内、尚不可用的积分", "Points still in the return window at the end"),
                new KpiFigure("积分负债", "Points liability", liability, "CNY",
                    $"未兑付积分 ÷ {rate}（{rate} 积分＝1 元）", $"Outstanding points ÷ {rate} ({rate} points = 1 CNY)"),
            ],
            new KpiTable(["周期", "发放", "兑换", "过期", "冲回"], ["Period", "Issued", "Redeemed", "Expired", "Reversed"],
                [.. buckets.Select(b => (IReadOnlyList<object?>)[b.Label, Issued(b.Start), Redeemed(b.Start), Expired(b.Start), Reversed(b.Start)])]));
    }
}
