namespace WechatLoyalty.Domain.Payments;

public enum PaymentChannel
{
    MiniProgram,
    InStore,
}

/// <summary>
/// A WeChat Pay transaction that succeeded. <see cref="TransactionId"/> is unique: it is what makes a
/// payment notification credit points at most once, however often it arrives.
/// </summary>
public class Payment
{
    public long Id { get; set; }
    public required string TransactionId { get; set; }
    public required string OutTradeNo { get; set; }
    public long? MemberId { get; set; }
    public required string PayerOpenId { get; set; }
    public long? StoreId { get; set; }
    public PaymentChannel Channel { get; set; }

    /// <summary>Order amount (amount.total), fen.</summary>
    public long TotalFen { get; set; }

    /// <summary>What the payer actually paid (amount.payer_total), fen: the base of points and spend.</summary>
    public long PayerTotalFen { get; set; }

    public long RefundedFen { get; set; }
    public long PointsEarned { get; set; }
    public DateTime PaidAt { get; set; }
    public DateTime CreatedAt { get; set; }
}
