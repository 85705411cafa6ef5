namespace WechatLoyalty.Domain.Kpis;

/// <summary>
/// Referral funnel: share cards opened → joined through a card → first paid purchase (loyalty-rules.md §6, §7).
/// Joined and first purchase come from members and payments; the card opens from the referral feature's table
/// (<see cref="CardOpensTable"/>).
/// </summary>
public sealed class ReferralFunnelPanel(KpiSql sql) : KpiPanel
{
    /// <summary>The referral feature's record of card opens (one row per open, <c>opened_at</c> UTC, <c>referrer_member_id</c>).</summary>
    public const string CardOpensTable = "referral_card_opens";

    public override KpiPanelInfo Info { get; } = new("referral-funnel", "推荐转化漏斗", "Referral funnel",
        "打开卡片：期间内推荐卡片被打开的次数；推荐入会：期间内通过推荐卡片入会的会员数；首次消费：其中截至期末已有有效消费的会员数。转化率均相对上一步。选择门店时按推荐人的入会门店统计打开次数、按新会员的入会门店统计入会。",
        "Cards opened: times a referral card was opened in the period; joined: members who joined through a referral card in the period; first purchase: those of them with a paid purchase by the end of the period. Each rate is relative to the step before. A store filter counts opens by the referrer's join store and joins by the new member's join store.",
        "count", "funnel");

    public override async Task<KpiResult> ComputeAsync(KpiQuery q, CancellationToken ct)
    {
        var p = sql.Params(q);
        var joinedRows = (await sql.RowsAsync($"""
            SELECT COUNT(*), COALESCE(SUM(EXISTS (SELECT 1 FROM payments p WHERE p.member_id = m.id AND p.paid_at < @to AND {PaidSql.Paid})), 0)
            FROM members m WHERE m.join_source = 'Referral' AND m.joined_at >= @from AND m.joined_at < @to{KpiSql.StoreFilter(q, "m.store_id")}
            """, ct, p))[0];
        var joined = KpiSql.Long(joinedRows[0]);
        var bought = KpiSql.Long(joinedRows[1]);
        var openJoin = q.StoreId is null ? "" : " JOIN members r ON r.id = o.referrer_member_id AND r.store_id = @store";
        long? opened = await sql.ScalarAsync<long>($"SELECT COUNT(*) FROM {CardOpensTable} o{openJoin} WHERE o.opened_at >= @from AND o.opened_at < @to", ct, p);
        (string Zh, string En, long? Value, decimal? Rate)[] steps =
        [
            ("打开卡片", "Cards opened", opened, null),
            ("推荐入会", "Joined", joined, opened is { } o ? KpiSql.Percent(joined, o) : null),
            ("首次消费", "First purchase", bought, KpiSql.Percent(bought, joined)),
        ];
        return Result(q,
            [new KpiSeries("推荐转化", "Referral conversion", [.. steps.Select(s => new KpiPoint(s.En, s.Value))])],
            [
                .. steps.Select(s => new KpiFigure(s.Zh, s.En, s.Value, "count", $"漏斗步骤：{s.Zh}", $"Funnel step: {s.En}")),
                new KpiFigure("入会→首购转化率", "Joined → first purchase", KpiSql.Percent(bought, joined), "percent",
                    "首次消费 ÷ 推荐入会", "First purchase ÷ joined"),
            ],
            new KpiTable(["步骤", "Step", "人数/次数", "相对上一步%"], ["步骤", "Step", "Count", "Of previous step %"],
                [.. steps.Select(s => (IReadOnlyList<object?>)[s.Zh, s.En, s.Value, s.Rate])]),
            available: true);
    }
}

/// <summary>
/// Campaign delivery and conversion from the message delivery records (contracts.md: <c>message_deliveries</c>
/// with a campaign id): targeted, sent, failed, undeliverable, and members who bought within the conversion
/// window after the message (loyalty-rules.md §5: 7 days).
/// </summary>
public sealed class CampaignDeliveryPanel(KpiSql sql) : KpiPanel
{
    public const string DeliveriesTable = "message_deliveries";

    public const int ConversionDays = 7;

    public override KpiPanelInfo Info { get; } = new("campaign-delivery", "营销活动送达与转化", "Campaign delivery and conversion",
        "按营销活动统计期间内创建的消息投递记录：目标人数、已发送（微信已接收，含已确认送达）、发送失败、无法送达（无关注且无订阅授权）；转化＝已发送且会员在消息发出后 7 天内有有效消费；转化率＝转化 ÷ 已发送。选择门店时按会员的入会门店。",
        "Per campaign, the message deliveries created in the period: targeted, sent (accepted by WeChat, including those it reported delivered), failed, undeliverable (neither following the official account nor a subscription consent); converted = sent and the member made a paid purchase within 7 days after the message; conversion rate = converted ÷ sent. A store filter uses the members' join store.",
        "count", "bar");

    public override async Task<KpiResult> ComputeAsync(KpiQuery q, CancellationToken ct)
    {
        var join = q.StoreId is null ? "" : " JOIN members m ON m.id = d.member_id AND m.store_id = @store";
        // Sent = WeChat accepted it: still 'Sent', or 'Delivered' once the OA's TEMPLATESENDJOBFINISH reported success
        // (a reported failure turns it 'Failed'). Counting 'Sent' alone lost every delivered OA message.
        var sent = $"d.status IN ('{nameof(Messaging.DeliveryStatus.Sent)}', '{nameof(Messaging.DeliveryStatus.Delivered)}')";
        var rows = await sql.RowsAsync($"""
            SELECT d.campaign_id, COUNT(*), SUM({sent}), SUM(d.status = 'Failed'), SUM(d.status = 'Undeliverable'),
                   SUM({sent} AND EXISTS (SELECT 1 FROM payments p WHERE p.member_id = d.member_id
                        AND p.paid_at >= COALESCE(d.finished_at, d.created_at)
                        AND p.paid_at < COALESCE(d.finished_at, d.created_at) + INTERVAL {ConversionDays} DAY AND {PaidSql.Paid}))
            FROM {DeliveriesTable} d{join}
            WHERE d.campaign_id IS NOT NULL AND d.created_at >= @from AND d.created_at < @to
            GROUP BY d.campaign_id ORDER BY d.campaign_id
            """, ct, sql.Params(q));
        var campaigns = rows.Select(r => (Id: KpiSql.Long(r[0]), Targeted: KpiSql.Long(r[1]), Sent: KpiSql.Long(r[2]),
            Failed: KpiSql.Long(r[3]), Undeliverable: KpiSql.Long(r[4]), Converted: KpiSql.Long(r[5]))).ToList();
        string X(long id) => $"#{id}";
        long T(Func<(long Id, long Targeted, long Sent, long Failed, long Undeliverable, long Converted), long> f) => campaigns.Sum(f);
        return Result(q,
            [
                new KpiSeries("目标人数", "Targeted", [.. campaigns.Select(c => new KpiPoint(X(c.Id), c.Targeted))]),
                new KpiSeries("已发送", "Sent", [.. campaigns.Select(c => new KpiPoint(X(c.Id), c.Sent))]),
                new KpiSeries("转化", "Converted", [.. campaigns.Select(c => new KpiPoint(X(c.Id), c.Converted))]),
            ],
            [
                new KpiFigure("目标人数", "Targeted", T(c => c.Targeted), "count", "期间内创建的活动投递记录数", "Campaign deliveries created in the period"),
                new KpiFigure("送达率", "Delivery rate", KpiSql.Percent(T(c => c.Sent), T(c => c.Targeted)), "percent", "已发送 ÷ 目标人数", "Sent ÷ targeted"),
                new KpiFigure("转化率", "Conversion rate", KpiSql.Percent(T(c => c.Converted), T(c => c.Sent)), "percent",
                    $"发送后 {ConversionDays} 天内有消费 ÷ 已发送", $"Bought within {ConversionDays} days after the message ÷ sent"),
            ],
            new KpiTable(Columns, ColumnsEn,
                [.. campaigns.Select(c => (IReadOnlyList<object?>)[c.Id, c.Targeted, c.Sent, c.Failed, c.Undeliverable, c.Converted, KpiSql.Percent(c.Converted, c.Sent)])]));
    }

    private static readonly string[] Columns = ["活动编号", "目标人数", "已发送", "发送失败", "无法送达", "转化", "转化率%"];
    private static readonly string[] ColumnsEn = ["Campaign id", "Targeted", "Sent", "Failed", "Undeliverable", "Converted", "Conversion rate %"];
}
