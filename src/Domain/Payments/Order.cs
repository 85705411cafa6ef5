namespace WechatLoyalty.Domain.Payments;

public enum OrderStatus
{
    /// <summary>Written (points reserved) but WeChat Pay has not answered the prepay yet.</summary>
    Created,

    /// <summary>WeChat Pay holds a prepay_id: the mini-program can call wx.requestPayment.</summary>
    Prepaid,

    /// <summary>A payment was recorded for it (notification, reconciliation): terminal.</summary>
    Paid,

    /// <summary>Closed unpaid (by the member, the reconciliation, or a failed prepay): reservation released. Terminal.</summary>
    Closed,
}

/// <summary>
/// A mini-program order: what the member buys, what they redeem against it, and what WeChat Pay charges
/// (<see cref="ChargeFen"/> = <see cref="AmountFen"/> − <see cref="RedeemOffsetFen"/>). <see cref="OutTradeNo"/> is
/// ours and unique; a notification must name it and carry exactly <see cref="ChargeFen"/> as amount.total.
/// </summary>
public class Order
{
    public long Id { get; set; }
    public required string OutTradeNo { get; set; }

    /// <summary>Null when a logged-in WeChat user who has not joined yet buys: the payment's points become claimable.</summary>
    public long? MemberId { get; set; }

    /// <summary>The mini-program identity that placed the order (its openid is the payer).</summary>
    public long IdentityId { get; set; }

    public long? StoreId { get; set; }
    public required string Description { get; set; }

    /// <summary>The order amount before redemption, fen.</summary>
    public long AmountFen { get; set; }

    public long RedeemedPoints { get; set; }

    /// <summary>What the redeemed points are worth, fen (not spend, not a base for points).</summary>
    public long RedeemOffsetFen { get; set; }

    /// <summary>What WeChat Pay charges: amount.total of the prepay and of the notification.</summary>
    public long ChargeFen { get; set; }

    public OrderStatus Status { get; set; }
    public string? PrepayId { get; set; }

    /// <summary>time_expire sent with the prepay: past it an unpaid order is closed by the reconciliation.</summary>
    public DateTime TimeExpire { get; set; }

    public string? TransactionId { get; set; }
    public DateTime CreatedAt { get; set; }
    public DateTime? PaidAt { get; set; }
    public DateTime? ClosedAt { get; set; }
}
