namespace WechatLoyalty.Domain.Payments;

public enum RefundStatus
{
    /// <summary>Written before WeChat Pay was asked; counts against the refundable amount until it fails.</summary>
    Requested,

    /// <summary>WeChat Pay accepted it; the REFUND.* notification settles it.</summary>
    Processing,

    Succeeded,

    /// <summary>WeChat Pay rejected the request or closed the refund: it no longer counts.</summary>
    Failed,

    /// <summary>REFUND.ABNORMAL: money could not reach the payer; needs manual handling, still counts.</summary>
    Abnormal,
}

/// <summary>
/// A refund of a payment. <see cref="OutRefundNo"/> is ours (unique; retrying with it is safe), <see cref="RefundId"/>
/// WeChat's (unique: the notification reverses points once). <see cref="AmountFen"/> is in the basis of the order
/// total (amount.refund); <see cref="PayerRefundFen"/> the payer's share (amount.payer_refund), which lowers net spend.
/// </summary>
public class Refund
{
    public long Id { get; set; }
    public required string OutRefundNo { get; set; }
    public long PaymentId { get; set; }
    public long AmountFen { get; set; }
    public long? PayerRefundFen { get; set; }
    public string? Reason { get; set; }
    public RefundStatus Status { get; set; }
    public string? RefundId { get; set; }

    /// <summary>The console user who asked for it; null for refunds made in the merchant platform.</summary>
    public string? RequestedBy { get; set; }

    public DateTime CreatedAt { get; set; }
    public DateTime? CompletedAt { get; set; }

    /// <summary>Refunds that take from the refundable amount: all but those that failed or closed.</summary>
    public static bool Counts(RefundStatus status) => status != RefundStatus.Failed;
}
