namespace WechatLoyalty.Domain.Kpis.Rollup;

/// <summary>
/// One member's paid purchases on one programme day (table <c>kpi_member_days</c>), maintained by
/// <see cref="KpiRollup"/> from payments and read only by the KPI panels through <see cref="MemberDaysSql"/>.
/// <para>
/// Besides the day's purchases and net spend, each row carries its neighbours in the member's purchase history, so
/// that distinct-member counts over any range become plain row counts: the member's previous and next purchase day,
/// and <see cref="D2"/>..<see cref="D6"/>, the day of the member's 2nd..6th purchase counting from this day's first
/// one (this day itself when the member bought that often on it). "Bought in [a, b]" is then the one row in the range
/// with <see cref="PrevDay"/> &lt; a, and "bought at least k times in [a, b]" is that row with its d<sub>k</sub> ≤ b.
/// Missing neighbours are sentinels (<see cref="Never"/> before, <see cref="Ever"/> after) so predicates stay simple.
/// </para>
/// </summary>
public class KpiMemberDay
{
    public static readonly DateOnly Never = new(1000, 1, 1);
    public static readonly DateOnly Ever = new(9999, 12, 31);

    public DateOnly Day { get; set; }
    public long MemberId { get; set; }

    /// <summary>The member's join store (set at registration and never changed), copied so store views need no join.</summary>
    public long? StoreId { get; set; }

    public int Orders { get; set; }
    public long NetFen { get; set; }
    public DateOnly PrevDay { get; set; }
    public DateOnly NextDay { get; set; }
    public DateOnly D2 { get; set; }
    public DateOnly D3 { get; set; }
    public DateOnly D4 { get; set; }
    public DateOnly D5 { get; set; }
    public DateOnly D6 { get; set; }
}

/// <summary>
/// The rollup's one state row (table <c>kpi_rollup_state</c>, id 1). No row: never built (or a rebuild is under
/// way) and the panels read the raw tables. <see cref="Watermark"/> is database-server time: every member with a
/// payment touched (<c>payments.kpi_touched_at</c>, set by the server on insert and update) at or after it may be
/// stale in the rollup, and the panels compute those members from payments instead.
/// </summary>
public class KpiRollupState
{
    public int Id { get; set; }
    public DateTime Watermark { get; set; }
    public DateTime RefreshedAt { get; set; }
}
