using Microsoft.Extensions.Time.Testing;
using WechatLoyalty.Domain.Common;
using WechatLoyalty.Domain.Data;

namespace WechatLoyalty.Domain.Tests;

public class ProgrammeClockTests
{
    [Fact]
    public void Today_IsShanghaiDate_WhenUtcIsStillYesterday()
    {
        var time = new FakeTimeProvider(new DateTimeOffset(2026, 1, 31, 16, 30, 0, TimeSpan.Zero));
        var clock = new ProgrammeClock(time, ProgrammeClock.FindZone("Asia/Shanghai"));

        Assert.Equal(new DateOnly(2026, 2, 1), clock.Today);
    }

    [Fact]
    public void StartOfDayUtc_IsSixteenHundredUtcTheDayBefore_InShanghai()
    {
        var clock = new ProgrammeClock(new FakeTimeProvider(), ProgrammeClock.FindZone("Asia/Shanghai"));

        Assert.Equal(new DateTime(2026, 2, 28, 16, 0, 0, DateTimeKind.Utc), clock.StartOfDayUtc(new DateOnly(2026, 3, 1)));
    }

    [Theory]
    [InlineData(10_000, 100)]
    [InlineData(26_850, 268)]
    [InlineData(99, 0)]
    [InlineData(-150, -2)]
    public void WholeYuan_RoundsDown(long fen, long yuan)
    {
        Assert.Equal(yuan, Fen.WholeYuan(fen));
    }

    [Fact]
    public void FromYuan_ConvertsToFen_WithoutFloatingPointDrift()
    {
        Assert.Equal(29_999_999L, Fen.FromYuan(299_999.99m));
        Assert.Equal("2999.99", Fen.Format(299_999));
    }

    [Theory]
    [InlineData("PointsBalance", "points_balance")]
    [InlineData("TransactionId", "transaction_id")]
    [InlineData("OpenId", "open_id")]
    [InlineData("AOVBase", "aov_base")]
    [InlineData("Id", "id")]
    public void ToSnakeCase_SplitsWords(string name, string expected)
    {
        Assert.Equal(expected, SnakeCaseNaming.ToSnakeCase(name));
    }
}
