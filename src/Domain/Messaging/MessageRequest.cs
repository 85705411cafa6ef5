namespace WechatLoyalty.Domain.Messaging;

/// <summary>
/// One message to one member. <see cref="OccasionKey"/> names what it announces; with the member and the kind it
/// makes the send idempotent. <see cref="Values"/> fill the registered template's placeholders.
/// </summary>
public sealed record MessageRequest(long MemberId, string Kind, string OccasionKey,
    IReadOnlyDictionary<string, string> Values, long? CampaignId = null);

/// <summary>
/// One message kind and occasion to many members (a campaign's batch): the same rules as one <see cref="MessageRequest"/>
/// each, with the database work done per batch. <see cref="Parallelism"/> bounds the WeChat requests in flight.
/// </summary>
public sealed record MessageBatch(string Kind, string OccasionKey, IReadOnlyList<BatchMessage> Messages, long? CampaignId = null, int Parallelism = 16);

public sealed record BatchMessage(long MemberId, IReadOnlyDictionary<string, string> Values);

public enum DeliveryOutcomeStatus
{
    Sent,
    Failed,
    Undeliverable,

    /// <summary>A record for (member, kind, occasion) already existed: nothing was sent this time.</summary>
    Skipped,

    /// <summary>WeChat's quota or rate limit: nothing was sent; the delivery resumes later on its own.</summary>
    Paused,
}

/// <summary>What became of a <see cref="MessageRequest"/>; <see cref="DeliveryId"/> is the record in message_deliveries.</summary>
public sealed record DeliveryOutcome(
    long DeliveryId,
    DeliveryOutcomeStatus Status,
    DeliveryChannel Channel,
    string? Reason,
    int? WechatErrCode,
    DateTime? RetryAt = null)
{
    /// <summary>The reason a batch's claim carries until its outcome is recorded (how the batch tells its rows from older ones).</summary>
    internal const string ClaimPrefix = "claimed by batch ";

    internal static DeliveryOutcome From(MessageDelivery d, DeliveryOutcomeStatus status) =>
        new(d.Id, status, d.Channel, d.Reason?.StartsWith(ClaimPrefix, StringComparison.Ordinal) == true ? null : d.Reason, d.Errcode,
            d.Status == DeliveryStatus.Paused ? d.NextAttemptAt : null);
}
