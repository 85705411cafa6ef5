using WechatLoyalty.Domain.Common;
using WechatLoyalty.Domain.Programme;

namespace WechatLoyalty.Domain.Tests;

public class TierLadderTests
{
    private static readonly TierLadder Accessory = ProgrammePresets.Accessory.Ladder;

    [Theory]
    [InlineData(0, "ordinary")]
    [InlineData(299_999, "ordinary")] // 2,999.99 CNY
    [InlineData(300_000, "silver")] // 3,000.00 CNY: thresholds are inclusive
    [InlineData(499_999, "silver")]
    [InlineData(500_000, "gold")]
    [InlineData(1_000_000, "diamond")]
    [InlineData(1_200_000, "diamond")] // 12,000 CNY
    public void QualifyingTier_IsHighestReachedThreshold_WhenSpendGiven(long spendFen, string expected)
    {
        Assert.Equal(expected, Accessory.QualifyingTier(spendFen).Code);
    }

    [Fact]
    public void QualifyingTier_IsEntryTier_WhenSpendIsNegativeAfterRefunds()
    {
        Assert.Equal("ordinary", Accessory.QualifyingTier(-5_000).Code);
    }

    [Fact]
    public void ProgressToNext_SaysHowMuchMoreToSpend_WhenBelowNextTier()
    {
        var progress = Accessory.ProgressToNext("silver", 376_000);

        Assert.NotNull(progress);
        Assert.Equal("gold", progress.Value.Next.Code);
        Assert.Equal(124_000, progress.Value.RemainingFen);
    }

    [Fact]
    public void ProgressToNext_IsNull_WhenAtTopTier()
    {
        Assert.Null(Accessory.ProgressToNext("diamond", 5_000_000));
    }

    [Fact]
    public void Constructor_Throws_WhenNoEntryTierAtZero()
    {
        var ex = Assert.Throws<DomainException>(() => new TierLadder([Tier("a", 100), Tier("b", 200)]));
        Assert.Equal("tiers.entry", ex.Code);
    }

    [Fact]
    public void Constructor_Throws_WhenThresholdsRepeat()
    {
        var ex = Assert.Throws<DomainException>(() => new TierLadder([Tier("a", 0), Tier("b", 200), Tier("c", 200)]));
        Assert.Equal("tiers.thresholds", ex.Code);
    }

    [Fact]
    public void Constructor_Throws_WhenCodesRepeat()
    {
        var ex = Assert.Throws<DomainException>(() => new TierLadder([Tier("a", 0), Tier("A", 200)]));
        Assert.Equal("tiers.codes", ex.Code);
    }

    [Fact]
    public void Constructor_OrdersTiers_WhenGivenOutOfOrder()
    {
        var ladder = new TierLadder([Tier("top", 900), Tier("entry", 0), Tier("mid", 300)]);
        Assert.Equal(["entry", "mid", "top"], ladder.Tiers.Select(t => t.Code));
    }

    [Fact]
    public void Get_ThrowsNotFound_WhenCodeUnknown()
    {
        var ex = Assert.Throws<DomainException>(() => Accessory.Get("platinum"));
        Assert.Equal(DomainErrorKind.NotFound, ex.Kind);
    }

    private static TierRule Tier(string code, long threshold) => new(0, code, code, threshold, 1m, false, []);
}
