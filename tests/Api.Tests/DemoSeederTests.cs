using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using WechatLoyalty.Api.Demo;
using WechatLoyalty.Api.Tests.Infrastructure;
using WechatLoyalty.Domain.Admin;

namespace WechatLoyalty.Api.Tests;

public class DemoSeederTests(DemoSeederTests.Factory factory) : IClassFixture<DemoSeederTests.Factory>, IAsyncLifetime
{
    public class Factory : LoyaltyApiFactory
    {
        protected override IEnumerable<KeyValuePair<string, string?>> Settings => [new("Demo:Members", "40")];
    }

    public async Task InitializeAsync()
    {
        await using var scope = factory.Services.CreateAsyncScope();
        await scope.ServiceProvider.GetRequiredService<DemoSeeder>().SeedAsync(CancellationToken.None);
    }

    public Task DisposeAsync() => Task.CompletedTask;

    [Fact]
    public async Task Seed_CreatesStoresStaffAccountsAndMembers()
    {
        var (stores, staff, members, admins) = await factory.WithDbAsync(async db => (
            await db.Stores.CountAsync(), await db.Staff.CountAsync(), await db.Members.CountAsync(),
            await db.AdminUsers.ToListAsync()));

        Assert.Equal(4, stores);
        Assert.Equal(10, staff);
        Assert.Equal(40, members);
        Assert.Equal(["admin", "clerk", "manager", "marketing"], admins.Select(a => a.UserName).Order());
        var hasher = new PasswordHasher<AdminUser>();
        Assert.All(admins, a => Assert.NotEqual(PasswordVerificationResult.Failed,
            hasher.VerifyHashedPassword(a, a.PasswordHash, "demo-admin-2026")));
    }

    [Fact]
    public async Task Seed_IsIdempotent_WhenRunTwice()
    {
        var before = await factory.WithDbAsync(db => db.Payments.CountAsync());
        await using (var scope = factory.Services.CreateAsyncScope())
            await scope.ServiceProvider.GetRequiredService<DemoSeeder>().SeedAsync(CancellationToken.None);

        Assert.Equal(before, await factory.WithDbAsync(db => db.Payments.CountAsync()));
        Assert.Equal(40, await factory.WithDbAsync(db => db.Members.CountAsync()));
    }

    [Fact]
    public async Task Seed_KeepsBalanceEqualToLedgerAndLots_ForEveryMember()
    {
        var rows = await factory.WithDbAsync(db => db.Members.Select(m => new
        {
            m.PointsBalance,
            Ledger = db.PointEntries.Where(e => e.MemberId == m.Id).Sum(e => (long?)e.Delta) ?? 0,
            Lots = db.PointLots.Where(l => l.MemberId == m.Id).Sum(l => (long?)l.Remaining) ?? 0,
            Last = db.PointEntries.Where(e => e.MemberId == m.Id).OrderByDescending(e => e.Id).Select(e => (long?)e.BalanceAfter).FirstOrDefault() ?? 0,
        }).ToListAsync());

        Assert.Contains(rows, r => r.PointsBalance > 0);
        Assert.All(rows, r =>
        {
            Assert.Equal(r.Ledger, r.PointsBalance);
            Assert.Equal(r.Lots, r.PointsBalance);
            Assert.Equal(r.Last, r.PointsBalance);
        });
    }

    [Fact]
    public async Task Seed_RecordsTierHistoryEndingInCurrentTier_ForEveryMember()
    {
        var rows = await factory.WithDbAsync(db => db.Members.Select(m => new
        {
            m.TierCode,
            Last = db.TierChanges.Where(t => t.MemberId == m.Id).OrderByDescending(t => t.ChangedAt).ThenByDescending(t => t.Id)
                .Select(t => t.ToTier).FirstOrDefault(),
        }).ToListAsync());

        Assert.All(rows, r => Assert.Equal(r.TierCode, r.Last));
    }

    [Fact]
    public async Task Seed_SpreadsPaymentsOverTheHistoryWindow()
    {
        var (first, last, unique, total) = await factory.WithDbAsync(async db => (
            await db.Payments.MinAsync(p => p.PaidAt), await db.Payments.MaxAsync(p => p.PaidAt),
            await db.Payments.Select(p => p.TransactionId).Distinct().CountAsync(), await db.Payments.CountAsync()));

        Assert.True(first < DateTime.UtcNow.AddMonths(-12), $"oldest payment {first:O} should be over a year old");
        Assert.True(first > DateTime.UtcNow.AddMonths(-19), $"oldest payment {first:O} should be within 18 months");
        Assert.True(last <= DateTime.UtcNow);
        Assert.Equal(total, unique);
    }
}
