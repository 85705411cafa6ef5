using WechatLoyalty.Domain.Common;

namespace WechatLoyalty.Domain.Points;

/// <summary>The arithmetic of earning (loyalty-rules.md §3), free of storage so it can be tested on its own.</summary>
public static class PointsRules
{
    /// <summary>
    /// 1 point per whole CNY of payer_total (floor), times the tier multiplier, times the promotion multiplier;
    /// the two multipliers do not compound unless the promotion says so (then the larger one applies).
    /// </summary>
    public static long Earned(long payerTotalFen, decimal tierMultiplier, decimal promotionMultiplier = 1m, bool compound = false)
    {
        if (payerTotalFen <= 0) return 0;
        var multiplier = compound ? tierMultiplier * promotionMultiplier : Math.Max(tierMultiplier, promotionMultiplier);
        return (long)decimal.Floor(Fen.WholeYuan(payerTotalFen) * multiplier);
    }

    /// <summary>A lot earned at <paramref name="earnedAt"/> expires at the end of the day N months later (programme time zone).</summary>
    public static DateTime ExpiresAtUtc(DateTimeOffset earnedAt, int expiryMonths, ProgrammeClock clock) =>
        clock.EndOfDayUtc(clock.DateOf(earnedAt).AddMonths(expiryMonths));

    /// <summary>Points reversed by a refund: the refunded share of the payment's points, rounded down.</summary>
    public static long ReversedByRefund(long pointsEarned, long refundFen, long totalFen)
    {
        if (totalFen <= 0 || refundFen <= 0) return 0;
        if (refundFen >= totalFen) return pointsEarned;
        return (long)Math.Floor((decimal)pointsEarned * refundFen / totalFen);
    }
}
