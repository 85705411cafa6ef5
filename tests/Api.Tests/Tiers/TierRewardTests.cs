using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using WechatLoyalty.Api.Tests.Infrastructure;
using WechatLoyalty.Domain.Common;
using WechatLoyalty.Domain.Data;
using WechatLoyalty.Domain.Members;
using WechatLoyalty.Domain.Payments;
using WechatLoyalty.Domain.Points;
using WechatLoyalty.Domain.Programme;
using WechatLoyalty.Domain.Tiers;

namespace WechatLoyalty.Api.Tests.Tiers;

/// <summary>A ladder with upgrade rewards (seed 004): each tier's reward is paid once per member, ever.</summary>
public class TierRewardTests(LoyaltyApiFactory factory) : IClassFixture<LoyaltyApiFactory>, IAsyncLifetime
{
    public async Task InitializeAsync()
    {
        var tiers = ProgrammePresets.Accessory.Tiers.Select(t => t with { UpgradeRewardPoints = t.Level * 100 }).ToList();
        await factory.WithDbAsync(async db =>
        {
            var clock = factory.Services.GetRequiredService<ProgrammeClock>();
            if (await db.ProgrammeVersions.AnyAsync()) return;
            db.ProgrammeVersions.Add(new ProgrammeRulesStore(db, clock).NewVersion(ProgrammePresets.Accessory with { Tiers = tiers }, new DateOnly(2020, 1, 1), "test"));
            await db.SaveChangesAsync();
        });
    }

    public Task DisposeAsync() => Task.CompletedTask;

    [Fact]
    public async Task NightlyUpgrade_PaysEachPassedTiersRewardOnce_EvenAfterFallingBackAndClimbingAgain()
    {
        var id = await MemberWithSpendAsync(600_000);

        await RunAsync();
        // The member falls back to ordinary (e.g. a manual correction) and the night lifts them again.
        await factory.WithDbAsync(db => db.Members.Where(m => m.Id == id)
            .ExecuteUpdateAsync(s => s.SetProperty(m => m.TierCode, "ordinary").SetProperty(m => m.TierReachedAt, DateTime.UtcNow.AddYears(-2))));
        await RunAsync();

        var rewards = await factory.WithDbAsync(db => db.PointEntries
            .Where(e => e.MemberId == id && e.IdempotencyKey.StartsWith("upgrade:member:")).Select(e => e.Delta).ToListAsync());
        Assert.Equal("gold", await factory.WithDbAsync(db => db.Members.Where(m => m.Id == id).Select(m => m.TierCode).SingleAsync()));
        Assert.Equal([100L, 200L], rewards.Order());
        Assert.Equal(300, await factory.WithDbAsync(db => db.Members.Where(m => m.Id == id).Select(m => m.PointsBalance).SingleAsync()));
    }

    private async Task RunAsync()
    {
        await using var scope = factory.Services.CreateAsyncScope();
        var sp = scope.ServiceProvider;
        await new TierRecalculation(sp.GetRequiredService<LoyaltyDbContext>(), sp.GetRequiredService<ProgrammeRulesStore>(),
            sp.GetRequiredService<TierUpgrades>(), sp.GetRequiredService<ProgrammeClock>(), NullLogger<TierRecalculation>.Instance)
            .RunAsync(ProgrammePresets.AccessoryName);
    }

    private Task<long> MemberWithSpendAsync(long fen) => factory.WithDbAsync(async db =>
    {
        var now = DateTime.UtcNow;
        var member = TestData.Member("ordinary", now.AddYears(-1));
        db.Members.Add(member);
        await db.SaveChangesAsync();
        db.Payments.Add(TestData.Payment(member.Id, fen, now.AddDays(-3)));
        await db.SaveChangesAsync();
        return member.Id;
    });
}
