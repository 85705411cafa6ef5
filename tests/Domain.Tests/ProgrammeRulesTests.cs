using WechatLoyalty.Domain.Common;
using WechatLoyalty.Domain.Programme;

namespace WechatLoyalty.Domain.Tests;

public class ProgrammeRulesTests
{
    [Fact]
    public void Accessory_HasSeed002Defaults()
    {
        var rules = ProgrammePresets.Accessory;

        Assert.Equal(["ordinary", "silver", "gold", "diamond"], rules.Tiers.Select(t => t.Code));
        Assert.Equal([0L, 300_000L, 500_000L, 1_000_000L], rules.Tiers.Select(t => t.ThresholdFen));
        Assert.Equal(24, rules.PointsExpiryMonths);
        Assert.Equal(0, rules.PendingDays);
        Assert.Equal(500, rules.RedemptionStepPoints);
        Assert.Equal(50, rules.RedemptionMaxPercentOfOrder);
    }

    [Fact]
    public void Mall_HasSeed004Defaults()
    {
        var rules = ProgrammePresets.Mall;

        Assert.Equal([0L, 5_000_000L, 10_000_000L, 20_000_000L], rules.Tiers.Select(t => t.ThresholdFen));
        Assert.All(rules.Tiers.Skip(1), t => Assert.Equal(2m, t.PointsMultiplier));
        Assert.Equal(12, rules.PointsExpiryMonths);
        Assert.Equal(7, rules.PendingDays);
    }

    [Fact]
    public void ByName_Throws_WhenPresetUnknown()
    {
        var ex = Assert.Throws<DomainException>(() => ProgrammePresets.ByName("flowers"));
        Assert.Equal("programme.preset", ex.Code);
    }

    [Fact]
    public void Validated_Throws_WhenExpiryMonthsOutOfRange()
    {
        var rules = ProgrammePresets.Accessory with { PointsExpiryMonths = 0 };
        Assert.Throws<DomainException>(() => rules.Validated());
    }

    [Fact]
    public void Deserialize_RoundTripsRules_WhenStoredAsJson()
    {
        var store = new ProgrammeRulesStore(null!, new ProgrammeClock(TimeProvider.System, TimeZoneInfo.Utc));
        var version = store.NewVersion(ProgrammePresets.Mall, new DateOnly(2026, 1, 1), "test");

        var rules = ProgrammeRulesStore.Deserialize(version.RulesJson);

        Assert.Equal(ProgrammePresets.Mall.Tiers, rules.Tiers, (a, b) => a.Code == b.Code && a.ThresholdFen == b.ThresholdFen
            && a.PointsMultiplier == b.PointsMultiplier && a.Benefits.SequenceEqual(b.Benefits));
        Assert.Equal(ProgrammePresets.Mall.PendingDays, rules.PendingDays);
    }
}
