namespace WechatLoyalty.Domain.Messaging;

/// <summary>Kinds of member messages the programme queues; the messaging pipeline picks a channel and sends.</summary>
public static class OutboxKinds
{
    public const string TierChanged = "TierChanged";
}

/// <summary>
/// A member message queued in the same transaction as the change it announces (a tier change today), so a change
/// is never without its message and a message never without its change. <see cref="IdempotencyKey"/> is the
/// change's natural key; the sender marks <see cref="ProcessedAt"/> when it has taken the message.
/// </summary>
public class OutboxMessage
{
    public long Id { get; set; }
    public long MemberId { get; set; }
    public required string Kind { get; set; }

    /// <summary>The message's data as JSON (e.g. from and to tier).</summary>
    public required string PayloadJson { get; set; }

    public required string IdempotencyKey { get; set; }
    public DateTime CreatedAt { get; set; }
    public DateTime? ProcessedAt { get; set; }
}
