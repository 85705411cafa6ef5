using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.TestHost;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using WechatLoyalty.Api.Tests.Infrastructure;
using WechatLoyalty.Domain.Common;
using WechatLoyalty.Domain.Data;
using WechatLoyalty.Domain.Members;
using WechatLoyalty.Domain.Payments;
using WechatLoyalty.Domain.Points;

namespace WechatLoyalty.Api.Tests.Points;

/// <summary>The real API and database, with a clock the tests move (expiry, return windows).</summary>
public class PointsFactory : LoyaltyApiFactory
{
    public PointsFactory() : this(DateTimeOffset.UtcNow)
    {
    }

    /// <summary>A clock that starts at <paramref name="start"/> (calendar tests start on a chosen day).</summary>
    protected PointsFactory(DateTimeOffset start) => Time = new FakeTimeProvider(start);

    public FakeTimeProvider Time { get; }

    public DateTime Now => Time.GetUtcNow().UtcDateTime;

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        base.ConfigureWebHost(builder);
        builder.ConfigureTestServices(services => services.AddSingleton<TimeProvider>(Time));
    }

    /// <summary>Runs <paramref name="work"/> with a service from a fresh scope (its own DbContext), as a request would.</summary>
    public async Task<T> WithAsync<TService, T>(Func<TService, Task<T>> work) where TService : notnull
    {
        await using var scope = Services.CreateAsyncScope();
        return await work(scope.ServiceProvider.GetRequiredService<TService>());
    }

    public Task<LedgerResult> CreditAsync(long memberId, long points, string? key = null, DateTime? pendingUntil = null, long? paymentId = null,
        int expiresInDays = 365) =>
        WithAsync<PointsLedger, LedgerResult>(l => l.CreditAsync(new PointsCredit(memberId, points, PointSource.Purchase,
            key ?? $"earn:tx:{Guid.NewGuid():N}", Now, Now.AddDays(expiresInDays), pendingUntil, paymentId), default));

    public Task<long> NewMemberAsync(string tier = "T1") => WithDbAsync(async db =>
    {
        var member = TestData.Member(tier, Now);
        db.Members.Add(member);
        await db.SaveChangesAsync();
        return member.Id;
    });

    /// <summary>A paid payment of the member, as the payment notification records it before crediting its lot.</summary>
    public Task<long> NewPaymentAsync(long memberId, long payerTotalFen) => WithDbAsync(async db =>
    {
        var payment = TestData.Payment(memberId, payerTotalFen, Now);
        db.Payments.Add(payment);
        await db.SaveChangesAsync();
        return payment.Id;
    });

    public Task<Member> MemberAsync(long memberId) =>
        WithDbAsync(db => db.Members.AsNoTracking().SingleAsync(m => m.Id == memberId));

    public Task<List<PointLot>> LotsAsync(long memberId) =>
        WithDbAsync(db => db.PointLots.AsNoTracking().Where(l => l.MemberId == memberId).OrderBy(l => l.Id).ToListAsync());

    public Task<List<PointEntry>> EntriesAsync(long memberId) =>
        WithDbAsync(db => db.PointEntries.AsNoTracking().Where(e => e.MemberId == memberId).OrderBy(e => e.Id).ToListAsync());

    /// <summary>
    /// The ledger's invariant for one member, checked twice: by the nightly check's SQL, and independently here
    /// (stored balance = sum of deltas, BalanceAfter a running sum). Returns the member for further assertions.
    /// </summary>
    public async Task<Member> AssertConsistentAsync(long memberId)
    {
        var mismatches = await WithAsync<PointsBalanceCheck, List<BalanceMismatch>>(c => c.FindMismatchesAsync(memberId - 1, memberId, default));
        Assert.Empty(mismatches);
        var member = await MemberAsync(memberId);
        var entries = await EntriesAsync(memberId);
        Assert.Equal(member.PointsBalance, entries.Sum(e => e.Delta));
        Assert.Equal(member.PendingPoints, entries.Sum(e => e.PendingDelta));
        long running = 0;
        foreach (var entry in entries)
        {
            running += entry.Delta;
            Assert.Equal(running, entry.BalanceAfter);
        }
        return member;
    }
}
