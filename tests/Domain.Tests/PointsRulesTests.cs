using Microsoft.Extensions.Time.Testing;
using WechatLoyalty.Domain.Common;
using WechatLoyalty.Domain.Points;

namespace WechatLoyalty.Domain.Tests;

public class PointsRulesTests
{
    private static readonly ProgrammeClock Shanghai =
        new(new FakeTimeProvider(), ProgrammeClock.FindZone("Asia/Shanghai"));

    [Fact]
    public void Earned_MatchesRulesExample_WhenMallGoldPays268Yuan50()
    {
        // loyalty-rules.md §3: Gold in preset mall paying 268.50 CNY on a normal day → 536 points.
        Assert.Equal(536, PointsRules.Earned(26_850, tierMultiplier: 2m));
    }

    [Theory]
    [InlineData(99, 0)]
    [InlineData(100, 1)]
    [InlineData(199, 1)]
    [InlineData(300_000, 3_000)]
    public void Earned_IsOnePointPerWholeYuan_WhenMultiplierIsOne(long fen, long expected)
    {
        Assert.Equal(expected, PointsRules.Earned(fen, 1m));
    }

    [Fact]
    public void Earned_TakesLargerMultiplier_WhenPromotionDoesNotCompound()
    {
        Assert.Equal(200, PointsRules.Earned(10_000, tierMultiplier: 2m, promotionMultiplier: 2m));
        Assert.Equal(300, PointsRules.Earned(10_000, tierMultiplier: 2m, promotionMultiplier: 3m));
    }

    [Fact]
    public void Earned_MultipliesBoth_WhenPromotionCompounds()
    {
        Assert.Equal(400, PointsRules.Earned(10_000, tierMultiplier: 2m, promotionMultiplier: 2m, compound: true));
    }

    [Fact]
    public void Earned_IsZero_WhenNothingWasPaid()
    {
        Assert.Equal(0, PointsRules.Earned(0, 2m));
    }

    [Fact]
    public void ExpiresAtUtc_IsEndOfDayInShanghai24MonthsLater_WhenEarnedLateEvening()
    {
        // 2025-03-10 23:30 in Shanghai is 15:30 UTC; the lot expires at the end of 2027-03-10 Shanghai time.
        var earned = new DateTimeOffset(2025, 3, 10, 15, 30, 0, TimeSpan.Zero);

        var expires = PointsRules.ExpiresAtUtc(earned, 24, Shanghai);

        Assert.Equal(new DateTime(2027, 3, 10, 16, 0, 0, DateTimeKind.Utc).AddTicks(-1), expires);
    }

    [Fact]
    public void ExpiresAtUtc_UsesProgrammeDate_WhenUtcDateDiffers()
    {
        // 2025-03-10 17:00 UTC is already 2025-03-11 01:00 in Shanghai.
        var earned = new DateTimeOffset(2025, 3, 10, 17, 0, 0, TimeSpan.Zero);

        var expires = PointsRules.ExpiresAtUtc(earned, 12, Shanghai);

        Assert.Equal(new DateTime(2026, 3, 11, 16, 0, 0, DateTimeKind.Utc).AddTicks(-1), expires);
    }

    [Theory]
    [InlineData(300, 5_000, 10_000, 150)]
    [InlineData(300, 10_000, 10_000, 300)]
    [InlineData(301, 3_333, 10_000, 100)]
    [InlineData(300, 0, 10_000, 0)]
    public void ReversedByRefund_IsRefundedShareRoundedDown(long earned, long refund, long total, long expected)
    {
        Assert.Equal(expected, PointsRules.ReversedByRefund(earned, refund, total));
    }
}
