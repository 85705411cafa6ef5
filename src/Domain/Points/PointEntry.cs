namespace WechatLoyalty.Domain.Points;

public enum PointEntryKind
{
    Earn,
    Redeem,
    RedeemRelease,
    Refund,
    Expire,
    PendingRelease,
    Adjust,
}

/// <summary>
/// One line of the append-only ledger. Member.PointsBalance (available points) is the sum of <see cref="Delta"/>
/// and Member.PendingPoints the sum of <see cref="PendingDelta"/>, over all entries; an entry is never updated or
/// deleted. <see cref="IdempotencyKey"/> is the natural key of the event that caused it
/// (a transaction id, a refund id, an expiry run), unique so a replay cannot write it twice.
/// </summary>
public class PointEntry
{
    public long Id { get; set; }
    public long MemberId { get; set; }
    public PointEntryKind Kind { get; set; }
    /// <summary>Change of the available balance (Member.PointsBalance).</summary>
    public long Delta { get; set; }

    /// <summary>Change of the pending points (Member.PendingPoints): an earning held for the return window, its release, its refund.</summary>
    public long PendingDelta { get; set; }

    /// <summary>The available balance after this entry; negative while the member owes points (a debt from a refund).</summary>
    public long BalanceAfter { get; set; }
    public long? LotId { get; set; }
    public PointLot? Lot { get; set; }
    public long? PaymentId { get; set; }
    public required string IdempotencyKey { get; set; }
    public string? Reason { get; set; }

    /// <summary>Who made a manual adjustment (console user); null for the programme's own movements.</summary>
    public string? Actor { get; set; }
    public DateTime CreatedAt { get; set; }
}
