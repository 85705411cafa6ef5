namespace WechatLoyalty.Domain.Messaging;

public enum DeliveryChannel
{
    None,
    OfficialAccount,
    MiniProgram,
}

public enum DeliveryStatus
{
    /// <summary>Claimed; a send may be in flight. A Pending record left behind by a crash is never sent again.</summary>
    Pending,

    /// <summary>WeChat's quota (45009) or rate limit (45011) said not now: nothing was sent; resumed later.</summary>
    Paused,

    /// <summary>WeChat accepted it (msgid known). For OA templates TEMPLATESENDJOBFINISH tells the end.</summary>
    Sent,

    /// <summary>TEMPLATESENDJOBFINISH reported success.</summary>
    Delivered,

    Failed,

    /// <summary>No channel: not a follower and no consent credit (or no template registered).</summary>
    Undeliverable,
}

/// <summary>
/// Every message attempt for (member, kind, occasion), unique: the occasion is the natural key of what the message
/// announces (<c>birthday:2026</c>, <c>tier-change:42</c>, <c>points-expiring:2026-12-31:7d</c>), so a re-run job or
/// a retried request finds the record and sends nothing. Table <c>message_deliveries</c>.
/// </summary>
public class MessageDelivery
{
    public long Id { get; set; }
    public long MemberId { get; set; }
    public required string Kind { get; set; }
    public required string OccasionKey { get; set; }
    public long? CampaignId { get; set; }
    public DeliveryChannel Channel { get; set; }
    public string? TemplateId { get; set; }
    public DeliveryStatus Status { get; set; }
    public int? Errcode { get; set; }
    public long? Msgid { get; set; }
    public string? Reason { get; set; }

    /// <summary>The sender's values (JSON), kept so a paused delivery can be resumed without its sender.</summary>
    public string ValuesJson { get; set; } = "{}";

    /// <summary>What was sent: the rendered template data (JSON).</summary>
    public string? DataJson { get; set; }

    public int Attempts { get; set; }

    /// <summary>When a paused delivery may be tried again.</summary>
    public DateTime? NextAttemptAt { get; set; }

    public DateTime CreatedAt { get; set; }
    public DateTime UpdatedAt { get; set; }
    public DateTime? FinishedAt { get; set; }
}
