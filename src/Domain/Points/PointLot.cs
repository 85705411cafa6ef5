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
/// <see cref="Remaining"/> is what is left of <see cref="Amount"/>. A lot is in one of three states: pending
/// (<see cref="IsPending"/>: its remaining counts in Member.PendingPoints, not spendable), available (its remaining
/// counts in Member.PointsBalance) or expired (<see cref="ExpiredAt"/> set, remaining 0). Only the ledger
/// (<see cref="PointsLedger"/>) changes a lot.
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

    /// <summary>
    /// True until the pending release moves the lot to available. A flag rather than a comparison with the clock,
    /// so that which balance a lot counts in changes only with a ledger entry (PendingRelease), never silently.
    /// Defaults to false, so lots written before pending existed are available.
    /// </summary>
    public bool IsPending { get; set; }

    public long? PaymentId { get; set; }
    public DateTime? ExpiredAt { get; set; }
}
