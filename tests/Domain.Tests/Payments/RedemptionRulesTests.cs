using WechatLoyalty.Domain.Common;
using WechatLoyalty.Domain.Payments;
using WechatLoyalty.Domain.Programme;

namespace WechatLoyalty.Domain.Tests.Payments;

/// <summary>10 points = 1 CNY, steps of 500 points, at most 50% of the order (loyalty-rules §3, seed 002).</summary>
public class RedemptionRulesTests
{
    private static readonly ProgrammeRules Rules = ProgrammePresets.Accessory;

    [Theory]
    [InlineData(0, 1, 0)]
    [InlineData(500, 10_000, 5_000)] // exactly half
    [InlineData(500, 20_000, 5_000)]
    [InlineData(1_000, 26_850, 10_000)]
    public void OffsetFen_IsTenPointsPerYuan_WhenWithinRules(long points, long amountFen, long expectedFen) =>
        Assert.Equal(expectedFen, RedemptionRules.OffsetFen(points, amountFen, Rules));

    [Theory]
    [InlineData(500, 9_999, "redemption.too_much")] // 50.00 CNY off 99.99 CNY: over half
    [InlineData(1_500, 20_000, "redemption.too_much")]
    [InlineData(250, 20_000, "redemption.step")]
    [InlineData(600, 20_000, "redemption.step")]
    [InlineData(-500, 20_000, "redemption.negative")]
    [InlineData(0, 0, "order.amount")]
    public void OffsetFen_Throws_WhenRulesBroken(long points, long amountFen, string code)
    {
        var ex = Assert.Throws<DomainException>(() => RedemptionRules.OffsetFen(points, amountFen, Rules));
        Assert.Equal(code, ex.Code);
    }

    [Fact]
    public void OffsetFen_RefusesFractionOfFen_WhenRateDoesNotDivide()
    {
        var odd = Rules with { RedemptionPointsPerYuan = 3, RedemptionStepPoints = 1 };

        Assert.Equal("redemption.step", Assert.Throws<DomainException>(() => RedemptionRules.OffsetFen(1, 10_000, odd)).Code);
        Assert.Equal(100, RedemptionRules.OffsetFen(3, 10_000, odd));
    }

    [Theory]
    [InlineData(9_999, 0)]
    [InlineData(10_000, 500)]
    [InlineData(29_999, 1_000)]
    [InlineData(30_000, 1_500)]
    public void MaxPoints_IsWholeStepsWithinHalfTheOrder(long amountFen, long expected)
    {
        var max = RedemptionRules.MaxPoints(amountFen, Rules);

        Assert.Equal(expected, max);
        if (max > 0) Assert.Equal(max * 10, RedemptionRules.OffsetFen(max, amountFen, Rules));
    }
}
