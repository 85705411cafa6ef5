namespace WechatLoyalty.Domain.Campaigns;

public enum CampaignStatus
{
    Draft,
    Scheduled,
    Sending,
    Paused,
    Done,
    Cancelled,
}

/// <summary>
/// A push to a segment: the message (kind, template, field values with per-member placeholders), when to send,
/// an optional reward, and the hold-out share kept back to measure what the campaign changed. The status moves only
/// along <see cref="CampaignStates"/>; the audience is frozen into <see cref="CampaignRecipient"/> rows when sending starts.
/// </summary>
public class Campaign
{
    public long Id { get; set; }
    public required string Name { get; set; }
    public long SegmentId { get; set; }

    /// <summary>The messages pipeline's kind (MessageKinds.Campaign by default) and the template it sends.</summary>
    public required string MessageKind { get; set; }

    public required string TemplateId { get; set; }

    /// <summary>Mini-program page the message opens, if any.</summary>
    public string? Page { get; set; }

    /// <summary>Template field → value with placeholders {name}, {tier}, {points} (JSON object of strings).</summary>
    public required string FieldsJson { get; set; }

    /// <summary>When sending may start (UTC); set when the campaign is scheduled ("now" is the time it was scheduled).</summary>
    public DateTime? ScheduledAt { get; set; }

    /// <summary>Points credited (through the ledger, once) to each member the message was sent to; 0 for none.</summary>
    public int RewardPoints { get; set; }

    /// <summary>Share of the audience held back, in basis points (500 = 5%).</summary>
    public int HoldoutBasisPoints { get; set; }

    public CampaignStatus Status { get; set; }

    /// <summary>Audience frozen when sending started (hold-out included) and the hold-out's size.</summary>
    public int Targeted { get; set; }

    public int HeldOut { get; set; }

    public string? CreatedBy { get; set; }
    public DateTime CreatedAt { get; set; }
    public DateTime UpdatedAt { get; set; }
    public DateTime? StartedAt { get; set; }
    public DateTime? FinishedAt { get; set; }

    /// <summary>When the fan-out will look again (quiet hours, a quota pause); informative.</summary>
    public DateTime? NextRunAt { get; set; }

    /// <summary>The fan-out run holding the campaign, until when: one run at a time across servers; a crashed run's lease lapses.</summary>
    public string? LeaseOwner { get; set; }

    public DateTime? LeaseUntil { get; set; }
}

public enum RecipientStatus
{
    Pending,
    Sent,
    Failed,
    Undeliverable,
    HeldOut,
}

/// <summary>
/// One member of a campaign's frozen audience. (CampaignId, MemberId) is the key and the fan-out's idempotency key:
/// a row leaves Pending once, with the outcome of its one send. Hold-out rows are HeldOut from the start and never sent.
/// </summary>
public class CampaignRecipient
{
    public long CampaignId { get; set; }
    public long MemberId { get; set; }
    public bool IsHoldout { get; set; }
    public RecipientStatus Status { get; set; }
    public string? Channel { get; set; }

    /// <summary>Why it was not sent: no_channel, user_refused, not_follower, quota, error…</summary>
    public string? Reason { get; set; }

    public int? ErrCode { get; set; }
    public long? DeliveryId { get; set; }

    /// <summary>When the message went (or was refused): the start of the conversion window.</summary>
    public DateTime? SentAt { get; set; }

    public DateTime? DeliveredAt { get; set; }
    public long? RewardEntryId { get; set; }
}
