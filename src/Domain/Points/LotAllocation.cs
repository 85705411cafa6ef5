namespace WechatLoyalty.Domain.Points;

/// <summary>Points taken from one lot.</summary>
public readonly record struct LotTake(PointLot Lot, long Points);

/// <summary>
/// Which lots a debit draws from, free of storage so the rules can be tested on their own. None of these change a
/// lot: <see cref="PointsAccount"/> applies what they decide.
/// </summary>
public static class LotAllocation
{
    /// <summary>
    /// Lots a spend may draw from, in the order it draws: available (not pending, not expired, not past expiry)
    /// with points left, soonest expiry first, then the older lot, so the points closest to being lost go first.
    /// </summary>
    public static IEnumerable<PointLot> SpendOrder(IEnumerable<PointLot> lots, DateTime now) =>
        lots.Where(l => !l.IsPending && l.ExpiredAt is null && l.ExpiresAt > now && l.Remaining > 0)
            .OrderBy(l => l.ExpiresAt).ThenBy(l => l.Id);

    /// <summary>
    /// Lots a refund of <paramref name="paymentId"/> draws from: the payment's own lots first (even pending ones:
    /// those points were never really the member's), then everything a spend could use.
    /// </summary>
    public static IEnumerable<PointLot> RefundOrder(IEnumerable<PointLot> lots, long paymentId, DateTime now)
    {
        var all = lots.ToList();
        var own = all.Where(l => l.PaymentId == paymentId && l.ExpiredAt is null && l.ExpiresAt > now && l.Remaining > 0)
            .OrderBy(l => l.ExpiresAt).ThenBy(l => l.Id).ToList();
        return own.Concat(SpendOrder(all, now).Where(l => !own.Contains(l)));
    }

    /// <summary>
    /// Takes up to <paramref name="points"/> from <paramref name="ordered"/> in the order given. The sum of the
    /// takes is less than asked when the lots run out; the caller decides whether that is an error or a debt.
    /// </summary>
    public static IReadOnlyList<LotTake> Take(IEnumerable<PointLot> ordered, long points)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(points);
        var takes = new List<LotTake>();
        var left = points;
        foreach (var lot in ordered)
        {
            if (left == 0) break;
            var n = Math.Min(left, lot.Remaining);
            if (n <= 0) continue;
            takes.Add(new LotTake(lot, n));
            left -= n;
        }
        return takes;
    }

    /// <summary>
    /// How much of <paramref name="credit"/> points becoming available goes to pay off a debt first. A negative
    /// balance is a debt; it is repaid before any new point can be spent.
    /// </summary>
    public static long DebtPayoff(long balance, long credit) => balance < 0 ? Math.Min(credit, -balance) : 0;

    /// <summary>
    /// Points a refund reverses, so that partial refunds add up to exactly what the whole refund would reverse:
    /// the share of the payment refunded after this refund, minus the share refunded before it (each rounded down
    /// by <see cref="PointsRules.ReversedByRefund"/>). Rounding each refund alone would leave points behind.
    /// </summary>
    public static long RefundReversal(long pointsEarned, long refundedBeforeFen, long refundFen, long totalFen) =>
        PointsRules.ReversedByRefund(pointsEarned, refundedBeforeFen + refundFen, totalFen)
        - PointsRules.ReversedByRefund(pointsEarned, refundedBeforeFen, totalFen);
}
