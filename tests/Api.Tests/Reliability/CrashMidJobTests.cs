using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using WechatLoyalty.Api.Tests.Points;
using WechatLoyalty.Domain.Points;
using Xunit.Abstractions;

namespace WechatLoyalty.Api.Tests.Reliability;

/// <summary>
/// The expiry job's host is torn down while the job runs (its cancellation fires and its services, connections
/// included, are disposed mid-batch); a second host runs the job again: every due lot expires exactly once.
/// </summary>
public class CrashMidJobTests(PointsFactory factory, ITestOutputHelper output) : IClassFixture<PointsFactory>
{
    [Fact]
    public async Task ExpiryHostKilledMidRun_ResumesOnRestart_WithoutDoubleExpiry()
    {
        var members = new List<long>();
        for (var i = 0; i < 60; i++)
        {
            var member = await factory.NewMemberAsync();
            members.Add(member);
            await factory.CreditAsync(member, 10, expiresInDays: 1);
            await factory.CreditAsync(member, 20, expiresInDays: 1);
            await factory.CreditAsync(member, 5, expiresInDays: 400);
        }
        factory.Time.Advance(TimeSpan.FromDays(2));

        // A second instance of the API (same database and clock) starts the nightly expiry in small batches...
        var doomed = factory.WithWebHostBuilder(_ => { });
        using var stopping = new CancellationTokenSource();
        var scope = doomed.Services.CreateAsyncScope();
        var run = scope.ServiceProvider.GetRequiredService<PointsMaintenance>().ExpireAllAsync(batchSize: 4, ct: stopping.Token);
        // ...and dies once some batches have committed.
        var until = DateTime.UtcNow.AddSeconds(60);
        int expiredBeforeCrash;
        while ((expiredBeforeCrash = await ExpireEntriesAsync()) < 10 && !run.IsCompleted && DateTime.UtcNow < until) await Task.Delay(20);
        await stopping.CancelAsync();
        await doomed.DisposeAsync();
        var crashed = await Record.ExceptionAsync(() => run);
        await scope.DisposeAsync();
        output.WriteLine($"{expiredBeforeCrash} expiry entries before the crash; the run ended with {crashed?.GetType().Name ?? "no exception"}");
        Assert.NotNull(crashed);
        var atCrash = await ExpireEntriesAsync();
        Assert.InRange(atCrash, 1, 59);

        // The restarted job resumes where the dead one stopped, and a further run finds nothing to do.
        await factory.WithAsync<PointsMaintenance, int>(m => m.ExpireAllAsync(batchSize: 4));
        Assert.Equal(0, await factory.WithAsync<PointsMaintenance, int>(m => m.ExpireAllAsync(batchSize: 4)));

        await factory.WithDbAsync(async db =>
        {
            // One entry per member covering both its due lots (10 + 20), never a second one for either lot.
            var expiries = await db.PointEntries.Where(e => e.Kind == PointEntryKind.Expire).Select(e => new { e.MemberId, e.Delta }).ToListAsync();
            Assert.Equal(60, expiries.Count);
            Assert.Equal(members.Order(), expiries.Select(e => e.MemberId).Order());
            Assert.All(expiries, e => Assert.Equal(-30, e.Delta));
            Assert.Equal(0, await db.PointLots.CountAsync(l => l.ExpiresAt <= factory.Now && l.ExpiredAt == null));
        });
        foreach (var member in members) Assert.Equal(5, (await factory.AssertConsistentAsync(member)).PointsBalance);
    }

    private Task<int> ExpireEntriesAsync() => factory.WithDbAsync(db => db.PointEntries.CountAsync(e => e.Kind == PointEntryKind.Expire));
}
