namespace WechatLoyalty.Domain.Points;

public enum PointSource
{
    Purchase,
    Welcome,
    Referral,
    Birthday,
    TierUpgrade,
    Campaign,
    Manual,
}

/// <summary>
/// A credit of points with its own expiry. Spending draws from the lots that expire soonest;
/// <see cref="Remaining"/> is what is left of <see cref="Amount"/>.
/// </summary>
public class PointLot
{
    public long Id { get; set; }
    public long MemberId { get; set; }
    public PointSource Source { get; set; }
    public long Amount { get; set; }
    public long Remaining { get; set; }
    public DateTime EarnedAt { get; set; }
    public DateTime ExpiresAt { get; set; }

    /// <summary>Until this instant the points are pending (return window) and cannot be spent.</summary>
    public DateTime? PendingUntil { get; set; }

    public long? PaymentId { get; set; }
    public DateTime? ExpiredAt { get; set; }
}
