using Microsoft.Extensions.Time.Testing;
using WechatLoyalty.Domain.Campaigns;
using WechatLoyalty.Domain.Campaigns.Promotions;
using WechatLoyalty.Domain.Campaigns.Segments;
using WechatLoyalty.Domain.Common;
using WechatLoyalty.Domain.Points;

namespace WechatLoyalty.Domain.Tests.Campaigns;

public class CampaignRulesTests
{
    private static ProgrammeClock ClockAt(int year, int month, int day, int hour, int minute) =>
        new(new FakeTimeProvider(new DateTimeOffset(year, month, day, hour, minute, 0, TimeSpan.FromHours(8))), ProgrammeClock.FindZone("Asia/Shanghai"));

    [Theory]
    [InlineData(20, 59, false)]
    [InlineData(21, 0, true)]
    [InlineData(23, 30, true)]
    [InlineData(0, 0, true)]
    [InlineData(8, 59, true)]
    [InlineData(9, 0, false)]
    [InlineData(13, 0, false)]
    public void IsQuiet_FollowsTheDefaultWindow_InProgrammeTime(int hour, int minute, bool quiet)
    {
        var clock = ClockAt(2026, 11, 23, hour, minute);

        Assert.Equal(quiet, new QuietHours(new(21, 0), new(9, 0)).IsQuiet(clock.UtcNow, clock));
    }

    [Fact]
    public void NextOpenUtc_IsNineTomorrowShanghai_WhenLateEvening()
    {
        var clock = ClockAt(2026, 11, 23, 22, 30);

        var next = new QuietHours(new(21, 0), new(9, 0)).NextOpenUtc(clock.UtcNow, clock);

        Assert.Equal(new DateTime(2026, 11, 24, 1, 0, 0, DateTimeKind.Utc), next);
    }

    [Fact]
    public void NextOpenUtc_IsNineTodayShanghai_WhenEarlyMorning_AndNowWhenOpen()
    {
        var early = ClockAt(2026, 11, 24, 6, 0);
        var noon = ClockAt(2026, 11, 24, 12, 0);
        var quiet = new QuietHours(new(21, 0), new(9, 0));

        Assert.Equal(new DateTime(2026, 11, 24, 1, 0, 0, DateTimeKind.Utc), quiet.NextOpenUtc(early.UtcNow, early));
        Assert.Equal(noon.UtcNow.UtcDateTime, quiet.NextOpenUtc(noon.UtcNow, noon));
        Assert.False(new QuietHours(TimeOnly.MinValue, TimeOnly.MinValue).IsQuiet(ClockAt(2026, 11, 24, 23, 0).UtcNow, early));
    }

    [Theory]
    [InlineData(10, null, LifecycleStage.New)]
    [InlineData(10, 2, LifecycleStage.New)]
    [InlineData(400, 10, LifecycleStage.Active)]
    [InlineData(400, 89, LifecycleStage.Active)]
    [InlineData(400, 90, LifecycleStage.Dormant)]
    [InlineData(400, 179, LifecycleStage.Dormant)]
    [InlineData(400, 180, LifecycleStage.Lost)]
    [InlineData(60, null, LifecycleStage.Dormant)]
    [InlineData(200, null, LifecycleStage.Lost)]
    public void StageOf_UsesConfiguredThresholds_InProgrammeDays(int joinedDaysAgo, int? boughtDaysAgo, LifecycleStage expected)
    {
        var clock = ClockAt(2026, 11, 23, 12, 0);
        var now = clock.UtcNow.UtcDateTime;

        var stage = Lifecycle.StageOf(now.AddDays(-joinedDaysAgo), boughtDaysAgo is { } d ? now.AddDays(-d) : null, clock, new LifecycleThresholds());

        Assert.Equal(expected, stage);
    }

    [Theory]
    [InlineData(CampaignStatus.Draft, CampaignStatus.Scheduled, true)]
    [InlineData(CampaignStatus.Scheduled, CampaignStatus.Draft, true)]
    [InlineData(CampaignStatus.Scheduled, CampaignStatus.Sending, true)]
    [InlineData(CampaignStatus.Sending, CampaignStatus.Paused, true)]
    [InlineData(CampaignStatus.Paused, CampaignStatus.Sending, true)]
    [InlineData(CampaignStatus.Sending, CampaignStatus.Done, true)]
    [InlineData(CampaignStatus.Paused, CampaignStatus.Cancelled, true)]
    [InlineData(CampaignStatus.Draft, CampaignStatus.Sending, false)]
    [InlineData(CampaignStatus.Draft, CampaignStatus.Paused, false)]
    [InlineData(CampaignStatus.Scheduled, CampaignStatus.Paused, false)]
    [InlineData(CampaignStatus.Done, CampaignStatus.Sending, false)]
    [InlineData(CampaignStatus.Done, CampaignStatus.Cancelled, false)]
    [InlineData(CampaignStatus.Cancelled, CampaignStatus.Scheduled, false)]
    public void CanMove_AllowsOnlyTheLegalTransitions(CampaignStatus from, CampaignStatus to, bool legal)
    {
        Assert.Equal(legal, CampaignStates.CanMove(from, to));
        if (!legal) Assert.Equal(DomainErrorKind.Conflict, Assert.Throws<DomainException>(() => CampaignStates.Require(from, to)).Kind);
    }

    [Fact]
    public void Render_FillsPlaceholdersPerMember_AndValidateRefusesUnknownOnes()
    {
        var fields = CampaignFields.Validate(new Dictionary<string, string> { ["first"] = "{name}，您好", ["keyword1"] = "{tier} · {points} 积分" });

        var values = CampaignFields.Render(fields, "小王", "金卡 Gold", 1234);
        var anonymous = CampaignFields.Render(fields, null, "普通", 0);

        Assert.Equal("小王，您好", values["first"]);
        Assert.Equal("金卡 Gold · 1234 积分", values["keyword1"]);
        Assert.Equal("会员，您好", anonymous["first"]);
        Assert.Throws<DomainException>(() => CampaignFields.Validate(new Dictionary<string, string> { ["first"] = "{nickname}" }));
        Assert.Throws<DomainException>(() => CampaignFields.Validate(new Dictionary<string, string>()));
    }

    [Fact]
    public void Promotion_DoesNotCompoundWithTier_UnlessConfigured()
    {
        var plain = new ActivePromotion(1, new DateOnly(2026, 11, 23), new DateOnly(2026, 11, 24), new HashSet<long>(), new HashSet<string>(), 2m, false);
        var compound = plain with { Compound = true };

        // Mall gold (×2) paying 268.50 CNY on a double-points day: 536 without compounding, 1072 with it.
        Assert.Equal(536, PointsRules.Earned(26_850, 2m, plain.Multiplier, plain.Compound));
        Assert.Equal(1072, PointsRules.Earned(26_850, 2m, compound.Multiplier, compound.Compound));
        Assert.Equal(2m, plain.Effective(2m));
        Assert.Equal(4m, compound.Effective(2m));
    }

    [Fact]
    public void Promotion_AppliesOnlyInsideItsDays_Stores_AndTiers()
    {
        var p = new ActivePromotion(1, new DateOnly(2026, 11, 23), new DateOnly(2026, 11, 24), new HashSet<long> { 7 },
            new HashSet<string>(StringComparer.OrdinalIgnoreCase) { "gold" }, 2m, false);

        Assert.True(p.Applies(new DateOnly(2026, 11, 24), 7, "GOLD"));
        Assert.False(p.Applies(new DateOnly(2026, 11, 25), 7, "gold"));
        Assert.False(p.Applies(new DateOnly(2026, 11, 22), 7, "gold"));
        Assert.False(p.Applies(new DateOnly(2026, 11, 23), 8, "gold"));
        Assert.False(p.Applies(new DateOnly(2026, 11, 23), null, "gold"));
        Assert.False(p.Applies(new DateOnly(2026, 11, 23), 7, "silver"));
    }
}
