using System.ComponentModel.DataAnnotations;

namespace WechatLoyalty.Domain.Messaging;

/// <summary>Section <c>Messages</c>: the send pipeline's pace and pauses.</summary>
public sealed class MessagingOptions
{
    public const string Section = "Messages";

    /// <summary>Sends per second per WeChat app, shared by every process through Redis.</summary>
    [Range(1, 10_000, ErrorMessage = "Messages:SendRatePerSecond must be 1..10000.")]
    public int SendRatePerSecond { get; set; } = 50;

    /// <summary>How long an app's sends pause after WeChat's daily quota answer (45009).</summary>
    [Range(1, 24 * 60, ErrorMessage = "Messages:QuotaPauseMinutes must be 1..1440.")]
    public int QuotaPauseMinutes { get; set; } = 60;

    /// <summary>Members per batch in the birthday, reminder and notice jobs (one short transaction each).</summary>
    [Range(1, 5_000, ErrorMessage = "Messages:BatchSize must be 1..5000.")]
    public int BatchSize { get; set; } = 200;

    /// <summary>A delivery still Pending this long after its attempt began was interrupted; it is failed, never resent.</summary>
    [Range(1, 24 * 60, ErrorMessage = "Messages:PendingLeaseMinutes must be 1..1440.")]
    public int PendingLeaseMinutes { get; set; } = 10;

    /// <summary>Official-account events older than this and still unprocessed are picked up by the sweep job.</summary>
    [Range(1, 3600, ErrorMessage = "Messages:OaEventSweepAfterSeconds must be 1..3600.")]
    public int OaEventSweepAfterSeconds { get; set; } = 60;

    /// <summary>
    /// Days an expiring-points reminder is still sent late when its day was missed (the job or WeChat was down):
    /// a member should hear about expiring points a little late rather than not at all.
    /// </summary>
    [Range(0, 30, ErrorMessage = "Messages:ExpiryReminderCatchUpDays must be 0..30.")]
    public int ExpiryReminderCatchUpDays { get; set; } = 3;

    /// <summary>The programme preset in force when no rule version was saved (the host copies Programme:Preset here).</summary>
    public string Preset { get; set; } = Programme.ProgrammePresets.AccessoryName;
}
