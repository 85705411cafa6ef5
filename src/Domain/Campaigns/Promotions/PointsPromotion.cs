namespace WechatLoyalty.Domain.Campaigns.Promotions;

/// <summary>
/// A double-points day (or days) [004]: payments on these programme days, at these stores and by members of these
/// tiers (empty = all) earn <see cref="Multiplier"/>; not compounded with the tier multiplier (the larger applies)
/// unless <see cref="Compound"/>. Cancelled promotions stay for history.
/// </summary>
public class PointsPromotion
{
    public long Id { get; set; }
    public required string Name { get; set; }
    public DateOnly StartsOn { get; set; }
    public DateOnly EndsOn { get; set; }

    /// <summary>JSON array of store ids; empty array = every store (and payments without a store).</summary>
    public required string StoreIdsJson { get; set; }

    /// <summary>JSON array of tier codes; empty array = every tier.</summary>
    public required string TierCodesJson { get; set; }

    public decimal Multiplier { get; set; }
    public bool Compound { get; set; }
    public string? CreatedBy { get; set; }
    public DateTime CreatedAt { get; set; }
    public DateTime? CancelledAt { get; set; }
}
