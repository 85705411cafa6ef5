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
/// One line of the append-only ledger. The member's balance is the sum of <see cref="Delta"/>; an entry is
/// never updated or deleted. <see cref="IdempotencyKey"/> is the natural key of the event that caused it
/// (a transaction id, a refund id, an expiry run), unique so a replay cannot write it twice.
/// </summary>
public class PointEntry
{
    public long Id { get; set; }
    public long MemberId { get; set; }
    public PointEntryKind Kind { get; set; }
    public long Delta { get; set; }
    public long BalanceAfter { get; set; }
    public long? LotId { get; set; }
    public PointLot? Lot { get; set; }
    public long? PaymentId { get; set; }
    public required string IdempotencyKey { get; set; }
    public string? Reason { get; set; }
    public DateTime CreatedAt { get; set; }
}
