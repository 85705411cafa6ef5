using System.ComponentModel.DataAnnotations;
using WechatLoyalty.Domain.Common;

namespace WechatLoyalty.Domain.Campaigns.Segments;

/// <summary>
/// Lifecycle stage thresholds in days (loyalty-rules §5, [003, 004]): new = joined within <see cref="NewDays"/>,
/// active = bought within <see cref="ActiveDays"/>, dormant = last purchase up to <see cref="LostDays"/> ago, lost beyond.
/// </summary>
public sealed class LifecycleThresholds
{
    [Range(1, 3650, ErrorMessage = "Campaigns:Lifecycle:NewDays must be 1..3650.")]
    public int NewDays { get; set; } = 30;

    [Range(1, 3650, ErrorMessage = "Campaigns:Lifecycle:ActiveDays must be 1..3650.")]
    public int ActiveDays { get; set; } = 90;

    [Range(1, 3650, ErrorMessage = "Campaigns:Lifecycle:LostDays must be 1..3650.")]
    public int LostDays { get; set; } = 180;
}

public static class Lifecycle
{
    /// <summary>Start (UTC) of the programme day <paramref name="days"/> days before today.</summary>
    public static DateTime DaysAgoUtc(ProgrammeClock clock, int days) => clock.StartOfDayUtc(clock.Today.AddDays(-days));

    /// <summary>
    /// The stage of one member, as the segment SQL computes it: new while the join day is within the last NewDays
    /// programme days (today counts as one); otherwise by the last purchase within ActiveDays → active, within
    /// LostDays → dormant, else lost. A member who never bought is dormant until LostDays after joining, then lost.
    /// </summary>
    public static LifecycleStage StageOf(DateTime joinedAtUtc, DateTime? lastPurchaseUtc, ProgrammeClock clock, LifecycleThresholds t)
    {
        if (joinedAtUtc >= DaysAgoUtc(clock, t.NewDays - 1)) return LifecycleStage.New;
        if (lastPurchaseUtc >= DaysAgoUtc(clock, t.ActiveDays - 1)) return LifecycleStage.Active;
        return (lastPurchaseUtc ?? joinedAtUtc) >= DaysAgoUtc(clock, t.LostDays - 1) ? LifecycleStage.Dormant : LifecycleStage.Lost;
    }
}
