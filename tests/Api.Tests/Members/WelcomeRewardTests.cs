using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using WechatLoyalty.Api.Tests.Infrastructure;
using WechatLoyalty.Domain.Common;
using WechatLoyalty.Domain.Points;
using WechatLoyalty.Domain.Programme;

namespace WechatLoyalty.Api.Tests.Members;

/// <summary>Rules §1: a configurable welcome reward on joining (default 0), credited once through the ledger.</summary>
public class WelcomeRewardTests(LoyaltyApiFactory factory) : IClassFixture<LoyaltyApiFactory>, IAsyncLifetime
{
    public async Task InitializeAsync() => await factory.WithDbAsync(async db =>
    {
        if (await db.ProgrammeVersions.AnyAsync()) return;
        var clock = factory.Services.GetRequiredService<ProgrammeClock>();
        db.ProgrammeVersions.Add(new ProgrammeRulesStore(db, clock).NewVersion(ProgrammePresets.Accessory with { WelcomePoints = 88 }, new DateOnly(2020, 1, 1), "test"));
        await db.SaveChangesAsync();
    });

    public Task DisposeAsync() => Task.CompletedTask;

    [Fact]
    public async Task Register_CreditsWelcomePointsOnce_EvenWhenRegistrationIsRepeated()
    {
        var user = await WechatUsers.CreateAsync(factory);
        var session = await WechatUsers.LoginAsync(factory, user);

        (await WechatUsers.RegisterAsync(session.Client)).EnsureSuccessStatusCode();
        (await WechatUsers.RegisterAsync(session.Client)).EnsureSuccessStatusCode();

        var member = await factory.WithDbAsync(db => db.Members.AsNoTracking().SingleAsync(m => m.UnionId == user.UnionId));
        var entries = await factory.WithDbAsync(db => db.PointEntries.AsNoTracking().Where(e => e.MemberId == member.Id).ToListAsync());
        Assert.Equal(88, member.PointsBalance);
        var welcome = Assert.Single(entries);
        Assert.Equal((88L, $"welcome:{member.Id}"), (welcome.Delta, welcome.IdempotencyKey));
        Assert.Equal(PointSource.Welcome, await factory.WithDbAsync(db => db.PointLots.Where(l => l.MemberId == member.Id).Select(l => l.Source).SingleAsync()));
    }
}
