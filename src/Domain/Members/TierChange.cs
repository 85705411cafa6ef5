namespace WechatLoyalty.Domain.Members;

public enum TierChangeReason
{
    Joined,
    Payment,
    Refund,
    NightlyRecalculation,
    Manual,

    /// <summary>The tier a bulk-imported member brought from the earlier system.</summary>
    Imported,
}

/// <summary>Every tier change with its reason, so a member's (or an auditor's) question can be answered.</summary>
public class TierChange
{
    public long Id { get; set; }
    public long MemberId { get; set; }
    public string? FromTier { get; set; }
    public required string ToTier { get; set; }
    public TierChangeReason Reason { get; set; }
    public long NetSpendFen { get; set; }
    public DateTime ChangedAt { get; set; }
}
