namespace WechatLoyalty.Domain.Points;

public enum PointReservationStatus
{
    /// <summary>Points taken from their lots at prepay; the order is not paid yet.</summary>
    Reserved,

    /// <summary>The order was paid: the points are spent for good.</summary>
    Confirmed,

    /// <summary>The order closed unpaid: the points went back (those whose lot had not expired meanwhile).</summary>
    Released,
}

/// <summary>
/// Points redeemed against a mini-program order, held from prepay until the order is paid or closed. The points
/// leave the balance at prepay (a Redeem entry), so they cannot be spent twice while the customer pays; the
/// allocations remember which lots they came from, so a release can put them back where they were.
/// </summary>
public class PointReservation
{
    public long Id { get; set; }
    public long MemberId { get; set; }

    /// <summary>The order's out_trade_no; unique, so an order reserves at most once.</summary>
    public required string OrderNo { get; set; }

    public long Points { get; set; }
    public PointReservationStatus Status { get; set; }
    public DateTime CreatedAt { get; set; }

    /// <summary>When it was confirmed or released.</summary>
    public DateTime? SettledAt { get; set; }

    /// <summary>
    /// Fen of the paid order refunded so far (amount.refund, the basis of the order's total): a refund gives back
    /// the same share of the redeemed points, so partial refunds add up to exactly the points redeemed.
    /// </summary>
    public long RefundedFen { get; set; }

    public List<PointReservationLot> Lots { get; } = [];
}

/// <summary>How many of a reservation's points came from one lot.</summary>
public class PointReservationLot
{
    public long ReservationId { get; set; }
    public long LotId { get; set; }
    public long Points { get; set; }
}
