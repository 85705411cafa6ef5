using WechatLoyalty.Domain.Common;
using WechatLoyalty.Domain.Programme;

namespace WechatLoyalty.Domain.Payments;

/// <summary>
/// Points against an order (loyalty-rules §3): 10 points = 1 CNY, in steps of 500 points, worth at most 50% of the
/// order; all three numbers come from <see cref="ProgrammeRules"/>. Pure, so the arithmetic is tested on its own.
/// </summary>
public static class RedemptionRules
{
    /// <summary>What <paramref name="points"/> take off an order of <paramref name="amountFen"/>, fen; throws when not allowed.</summary>
    public static long OffsetFen(long points, long amountFen, ProgrammeRules rules)
    {
        ArgumentNullException.ThrowIfNull(rules);
        if (amountFen < 1) throw Invalid("order.amount", "The order amount must be at least 1 fen.");
        if (points < 0) throw Invalid("redemption.negative", "Redeemed points cannot be negative.");
        if (points == 0) return 0;
        if (points % rules.RedemptionStepPoints != 0)
            throw Invalid("redemption.step", $"Points are redeemed in steps of {rules.RedemptionStepPoints}.");
        // Points → fen must be exact: a fraction of a fen would be money created or lost.
        if (points * 100 % rules.RedemptionPointsPerYuan != 0)
            throw Invalid("redemption.step", "These points are not worth a whole number of fen.");
        var offset = points * 100 / rules.RedemptionPointsPerYuan;
        // Compared in fen × 100 so that no rounding lets an order slip past the cap.
        if (offset * 100 > amountFen * rules.RedemptionMaxPercentOfOrder)
            throw Invalid("redemption.too_much", $"Points may pay at most {rules.RedemptionMaxPercentOfOrder}% of the order.");
        if (amountFen - offset < 1) throw Invalid("redemption.too_much", "Something must be left to pay.");
        return offset;
    }

    /// <summary>The most points (a whole number of steps) an order of <paramref name="amountFen"/> can take.</summary>
    public static long MaxPoints(long amountFen, ProgrammeRules rules)
    {
        ArgumentNullException.ThrowIfNull(rules);
        var maxOffsetFen = amountFen * rules.RedemptionMaxPercentOfOrder / 100;
        var maxPoints = maxOffsetFen * rules.RedemptionPointsPerYuan / 100;
        var points = maxPoints / rules.RedemptionStepPoints * rules.RedemptionStepPoints;
        return points > 0 && amountFen - points * 100 / rules.RedemptionPointsPerYuan >= 1 ? points : 0;
    }

    private static DomainException Invalid(string code, string message) => new(code, message);
}
