namespace WechatLoyalty.Domain.Campaigns.Sending;

/// <summary>One member's campaign message, its placeholders already filled.</summary>
public sealed record CampaignMessage(long CampaignId, long MemberId, string Kind, string TemplateId, string? Page, IReadOnlyDictionary<string, string> Values)
{
    /// <summary>The messages pipeline's occasion key: one message per member and campaign, ever.</summary>
    public string OccasionKey => $"campaign:{CampaignId}";
}

public enum CampaignSendStatus
{
    Sent,
    Failed,
    Undeliverable,

    /// <summary>Quota (45009) or rate limit: nothing was sent; the fan-out stops and comes back later.</summary>
    RetryLater,
}

public sealed record CampaignSendOutcome(
    CampaignSendStatus Status, string? Channel, string? Reason = null, int? WechatErrCode = null, long? DeliveryId = null, bool Delivered = false);

/// <summary>
/// The fan-out's narrow port to the messages pipeline (docs contracts.md), a batch at a time. Must be idempotent by
/// (campaign, member): a second call for the same message returns the first outcome and sends nothing, which is what
/// lets a fan-out that crashed between sending and recording resume without sending twice. Production:
/// <see cref="DispatcherCampaignSender"/> (MessageDispatcher.SendManyAsync); <see cref="RecordingCampaignSender"/>
/// records without WeChat (tests).
/// </summary>
public interface ICampaignSender
{
    /// <summary>The outcome per member; <paramref name="parallelism"/> bounds the sends in flight.</summary>
    Task<IReadOnlyDictionary<long, CampaignSendOutcome>> SendBatchAsync(IReadOnlyList<CampaignMessage> messages, int parallelism, CancellationToken ct);
}
