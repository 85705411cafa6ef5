using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;
using WechatLoyalty.Api.Tests.Infrastructure;
using WechatLoyalty.Domain.Common;
using WechatLoyalty.Domain.Data;
using WechatLoyalty.Domain.Members;
using WechatLoyalty.Domain.Payments;
using WechatLoyalty.Domain.Programme;
using WechatLoyalty.Domain.Tiers;

namespace WechatLoyalty.Api.Tests.Tiers;

/// <summary>The nightly recalculation on the real MariaDB with an injected clock (accessory preset: 3,000 / 5,000 / 10,000 CNY).</summary>
public class TierRecalculationTests(LoyaltyApiFactory factory) : IClassFixture<LoyaltyApiFactory>
{
    // 2026-06-15 10:00 in Shanghai. The rolling window starts 2025-06-16 00:00 Shanghai = 2025-06-15 16:00 UTC.
    private static readonly DateTimeOffset Now = new(2026, 6, 15, 2, 0, 0, TimeSpan.Zero);
    private static readonly DateTime WindowStart = new(2025, 6, 15, 16, 0, 0, DateTimeKind.Utc);

    [Theory]
    [InlineData(299_999, "ordinary")]
    [InlineData(300_000, "silver")]
    [InlineData(1_200_000, "diamond")]
    public async Task Run_UpgradesToQualifyingTier_WithInclusiveThresholds(long spendFen, string expected)
    {
        var id = await MemberAsync("ordinary", Now.AddMonths(-1), (Now.AddDays(-10).UtcDateTime, spendFen, 0));

        await RunAsync();

        Assert.Equal(expected, await TierAsync(id));
    }

    [Fact]
    public async Task Run_CountsPaymentAtWindowStart_AndNotOneSecondBefore()
    {
        var inside = await MemberAsync("ordinary", Now.AddYears(-2), (WindowStart, 300_000, 0));
        var outside = await MemberAsync("ordinary", Now.AddYears(-2), (WindowStart.AddSeconds(-1), 300_000, 0));

        await RunAsync();

        Assert.Equal("silver", await TierAsync(inside));
        Assert.Equal("ordinary", await TierAsync(outside));
    }

    [Fact]
    public async Task Run_DowngradesAfterGuarantee_ToTierRefundedSpendStillQualifiesFor()
    {
        var id = await MemberAsync("gold", Now.AddMonths(-13), (Now.AddMonths(-3).UtcDateTime, 600_000, 200_000));

        await RunAsync();

        Assert.Equal("silver", await TierAsync(id));
        var change = await factory.WithDbAsync(db => db.TierChanges.Where(c => c.MemberId == id).OrderByDescending(c => c.Id).FirstAsync());
        Assert.Equal(TierChangeReason.NightlyRecalculation, change.Reason);
        Assert.Equal("gold", change.FromTier);
        Assert.Equal(400_000, change.NetSpendFen);
    }

    [Fact]
    public async Task Run_KeepsTier_WithinGuaranteedPeriod()
    {
        var id = await MemberAsync("gold", Now.AddMonths(-6), (Now.AddMonths(-5).UtcDateTime, 100_000, 0));

        await RunAsync();

        Assert.Equal("gold", await TierAsync(id));
    }

    [Fact]
    public async Task Run_DropsOnlyToQualifyingTier_NeverBelow()
    {
        var id = await MemberAsync("diamond", Now.AddYears(-2), (Now.AddMonths(-2).UtcDateTime, 550_000, 0));

        await RunAsync();

        Assert.Equal("gold", await TierAsync(id));
    }

    [Fact]
    public async Task Run_CatchesMissedUpgrade_AndRestartsGuarantee()
    {
        var id = await MemberAsync("silver", Now.AddMonths(-1), (Now.AddDays(-3).UtcDateTime, 1_000_000, 0));

        await RunAsync();

        var member = await factory.WithDbAsync(db => db.Members.AsNoTracking().SingleAsync(m => m.Id == id));
        Assert.Equal("diamond", member.TierCode);
        Assert.Equal(Now.UtcDateTime, member.TierReachedAt);
    }

    [Fact]
    public async Task Run_ChangesNothing_WhenRunAgain()
    {
        await MemberAsync("gold", Now.AddYears(-2), (Now.AddMonths(-1).UtcDateTime, 10_000, 0));
        await RunAsync();
        var changes = await factory.WithDbAsync(db => db.TierChanges.CountAsync());
        var tiers = await factory.WithDbAsync(db => db.Members.OrderBy(m => m.Id).Select(m => m.TierCode).ToListAsync());

        var second = await RunAsync();

        Assert.Equal(0, second.Upgraded + second.Downgraded);
        Assert.Equal(changes, await factory.WithDbAsync(db => db.TierChanges.CountAsync()));
        Assert.Equal(tiers, await factory.WithDbAsync(db => db.Members.OrderBy(m => m.Id).Select(m => m.TierCode).ToListAsync()));
    }

    [Fact]
    public async Task Run_QueuesOneMessagePerChange_AndNoneOnReRun()
    {
        var id = await MemberAsync("ordinary", Now.AddMonths(-1), (Now.AddDays(-2).UtcDateTime, 510_000, 0));

        await RunAsync();
        await RunAsync();

        var message = Assert.Single(await factory.WithDbAsync(db => db.MessageOutbox.Where(m => m.MemberId == id).ToListAsync()));
        Assert.Equal("TierChanged", message.Kind);
        Assert.Contains("\"to\": \"gold\"", message.PayloadJson.Replace("\":\"", "\": \""));
        var change = await factory.WithDbAsync(db => db.TierChanges.Where(c => c.MemberId == id).OrderByDescending(c => c.Id).FirstAsync());
        Assert.Equal($"tier-change:{change.Id}", message.IdempotencyKey);
    }

    [Fact]
    public async Task Run_CoversEveryWindow_WhenMembersSpanSeveralWindows()
    {
        var ids = new List<long>();
        for (var i = 0; i < 7; i++) ids.Add(await MemberAsync("ordinary", Now.AddMonths(-1), (Now.AddDays(-1).UtcDateTime, 500_000, 0)));

        await RunAsync(window: 2);

        foreach (var id in ids) Assert.Equal("gold", await TierAsync(id));
    }

    [Fact]
    public async Task Run_ResumesAfterACrashBetweenWindows_WithEachChangeRecordedOnce()
    {
        var ids = new List<long>();
        for (var i = 0; i < 6; i++) ids.Add(await MemberAsync("ordinary", Now.AddMonths(-1), (Now.AddDays(-1).UtcDateTime, 500_000, 0)));

        // The process dies once the window holding the first of these members has committed (the progress report
        // after each window is where the job records how far it got); the later windows never run.
        var crash = await Assert.ThrowsAsync<InvalidOperationException>(() => RunAsync(window: 2, progress: async (_, _) =>
        {
            if (await TierAsync(ids[0]) == "gold") throw new InvalidOperationException("killed after a window");
        }));
        var upgradedBeforeRestart = 0;
        foreach (var id in ids) if (await TierAsync(id) == "gold") upgradedBeforeRestart++;
        var resumed = await RunAsync(window: 2);

        Assert.Equal("killed after a window", crash.Message);
        Assert.InRange(upgradedBeforeRestart, 1, ids.Count - 1);
        Assert.True(resumed.Upgraded >= ids.Count - upgradedBeforeRestart, $"{resumed.Upgraded} upgraded after the restart");
        foreach (var id in ids)
        {
            Assert.Equal("gold", await TierAsync(id));
            Assert.Equal(1, await factory.WithDbAsync(db => db.TierChanges.CountAsync(c => c.MemberId == id && c.ToTier == "gold")));
            Assert.Equal(1, await factory.WithDbAsync(db => db.MessageOutbox.CountAsync(m => m.MemberId == id)));
        }
    }

    private async Task<TierRecalculationResult> RunAsync(int window = TierRecalculation.DefaultWindow, Func<int, long, Task>? progress = null)
    {
        await using var scope = factory.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<LoyaltyDbContext>();
        var clock = new ProgrammeClock(new FakeTimeProvider(Now), ProgrammeClock.FindZone("Asia/Shanghai"));
        var recalculation = new TierRecalculation(db, new ProgrammeRulesStore(db, clock),
            new TierUpgrades(db, scope.ServiceProvider.GetRequiredService<WechatLoyalty.Domain.Points.PointsLedger>(), clock), clock,
            NullLogger<TierRecalculation>.Instance);
        return await recalculation.RunAsync(ProgrammePresets.AccessoryName, window, progress);
    }

    private Task<string> TierAsync(long id) =>
        factory.WithDbAsync(db => db.Members.Where(m => m.Id == id).Select(m => m.TierCode).SingleAsync());

    private Task<long> MemberAsync(string tier, DateTimeOffset reachedAt, params (DateTime PaidAt, long PayerTotalFen, long RefundedFen)[] payments) =>
        factory.WithDbAsync(async db =>
        {
            var member = TestData.Member(tier, reachedAt.UtcDateTime);
            db.Members.Add(member);
            await db.SaveChangesAsync();
            foreach (var (paidAt, payerTotal, refunded) in payments)
                db.Payments.Add(TestData.Payment(member.Id, payerTotal, paidAt, refunded));
            await db.SaveChangesAsync();
            return member.Id;
        });
}
