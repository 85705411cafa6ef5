using System.ComponentModel.DataAnnotations;
using WechatLoyalty.Domain.Campaigns.Segments;

namespace WechatLoyalty.Domain.Campaigns;

/// <summary>Section <c>Campaigns</c>: lifecycle thresholds, quiet hours and the fan-out's pace.</summary>
public sealed class CampaignsOptions
{
    public const string Section = "Campaigns";

    public LifecycleThresholds Lifecycle { get; set; } = new();

    /// <summary>Quiet hours in programme time: no campaign message is sent from <see cref="QuietStart"/> to <see cref="QuietEnd"/>.</summary>
    public TimeOnly QuietStart { get; set; } = new(21, 0);

    public TimeOnly QuietEnd { get; set; } = new(9, 0);

    /// <summary>Recipients taken per batch; the batch's outcomes are recorded in one transaction.</summary>
    [Range(1, 5000, ErrorMessage = "Campaigns:BatchSize must be 1..5000.")]
    public int BatchSize { get; set; } = 200;

    /// <summary>Sends in flight at once within a batch (the messages pipeline applies the per-app rate limit).</summary>
    [Range(1, 64, ErrorMessage = "Campaigns:Parallelism must be 1..64.")]
    public int Parallelism { get; set; } = 8;

    /// <summary>A job holds a campaign this long without renewing it; after a crash another run takes over then.</summary>
    [Range(typeof(TimeSpan), "00:00:10", "01:00:00", ErrorMessage = "Campaigns:LeaseTime must be 10 s..1 h.")]
    public TimeSpan LeaseTime { get; set; } = TimeSpan.FromMinutes(2);

    /// <summary>After the messages pipeline reports its quota exhausted (45009), try again this much later.</summary>
    [Range(typeof(TimeSpan), "00:00:01", "1.00:00:00", ErrorMessage = "Campaigns:RetryLaterDelay must be 1 s..1 day.")]
    public TimeSpan RetryLaterDelay { get; set; } = TimeSpan.FromMinutes(10);

    /// <summary>Conversion: the member paid within this many days after their message.</summary>
    [Range(1, 90, ErrorMessage = "Campaigns:ConversionDays must be 1..90.")]
    public int ConversionDays { get; set; } = 7;

    /// <summary>Active points promotions are cached this long per process (they change rarely; a change here is seen at once).</summary>
    [Range(typeof(TimeSpan), "00:00:01", "01:00:00", ErrorMessage = "Campaigns:PromotionCacheTime must be 1 s..1 h.")]
    public TimeSpan PromotionCacheTime { get; set; } = TimeSpan.FromSeconds(30);

    public IEnumerable<string> Problems()
    {
        if (Lifecycle.NewDays is < 1 or > 3650 || Lifecycle.ActiveDays is < 1 or > 3650 || Lifecycle.LostDays is < 1 or > 3650)
            yield return "Campaigns:Lifecycle days must be 1..3650.";
        if (Lifecycle.ActiveDays >= Lifecycle.LostDays) yield return "Campaigns:Lifecycle:ActiveDays must be less than LostDays.";
        if (QuietStart == QuietEnd && QuietStart != TimeOnly.MinValue) yield return "Campaigns:QuietStart equals QuietEnd; use 00:00 for both to disable quiet hours.";
    }
}
