using Microsoft.EntityFrameworkCore;
using WechatLoyalty.Domain.Points;

namespace WechatLoyalty.Api.Tests.Points;

/// <summary>Moves the clock forward; it has its own factory (database and clock) so other classes keep theirs.</summary>
public class PointsMaintenanceTests(PointsFactory factory) : IClassFixture<PointsFactory>
{
    private Task<int> ExpireAllAsync(int batchSize = 500) =>
        factory.WithAsync<PointsMaintenance, int>(m => m.ExpireAllAsync(batchSize));

    [Fact]
    public async Task ExpireAllAsync_ExpiresEachLotOnce_AndReRunChangesNothing()
    {
        var members = new List<long>();
        for (var i = 0; i < 3; i++)
        {
            var member = await factory.NewMemberAsync();
            members.Add(member);
            for (var j = 0; j < 4; j++) await factory.CreditAsync(member, 100, expiresInDays: 1);
            await factory.CreditAsync(member, 50, expiresInDays: 60);
        }
        var order = $"O{Guid.NewGuid():N}"[..24];
        await factory.WithAsync<PointsRedemption, LedgerResult>(r => r.ReserveAsync(members[0], order, 150, default));
        factory.Time.Advance(TimeSpan.FromDays(2));

        // Batches of 5 lots: several transactions, as after a crash between them.
        var written = await ExpireAllAsync(batchSize: 5);
        var rerun = await ExpireAllAsync(batchSize: 5);

        // 12 lots due; the first member's soonest lot was emptied by the reservation, so 11 hold points to expire.
        Assert.Equal(11, written);
        Assert.Equal(0, rerun);
        foreach (var member in members)
        {
            var state = await factory.AssertConsistentAsync(member);
            Assert.Equal(50, state.PointsBalance);
            var lots = await factory.LotsAsync(member);
            Assert.All(lots.Where(l => l.ExpiresAt <= factory.Now), l => Assert.Equal((0L, true), (l.Remaining, l.ExpiredAt is not null)));
            var expiries = (await factory.EntriesAsync(member)).Where(e => e.Kind == PointEntryKind.Expire).ToList();
            Assert.Equal(expiries.Count, expiries.Select(e => e.LotId).Distinct().Count());
        }
        // The member who reserved 150 lost 250 to expiry (the 150 had left their lots); releasing restores none of it.
        var released = await factory.WithAsync<PointsRedemption, LedgerResult>(r => r.ReleaseAsync(order, default));
        Assert.Equal(0, released.Delta);
        Assert.Equal(50, (await factory.AssertConsistentAsync(members[0])).PointsBalance);
    }

    [Fact]
    public async Task ExpireAllAsync_ResumesAfterACrashMidRun_WithoutDoubleExpiry()
    {
        var member = await factory.NewMemberAsync();
        for (var j = 0; j < 7; j++) await factory.CreditAsync(member, 10, expiresInDays: 1);
        factory.Time.Advance(TimeSpan.FromDays(2));

        // A run that died after its first batch: that batch committed, nothing after it started.
        await factory.WithAsync<PointsMaintenance, MaintenanceBatch>(m => m.ExpireBatchAsync(3));
        await ExpireAllAsync(batchSize: 3);

        var state = await factory.AssertConsistentAsync(member);
        Assert.Equal(0, state.PointsBalance);
        var expiries = (await factory.EntriesAsync(member)).Where(e => e.Kind == PointEntryKind.Expire).ToList();
        Assert.Equal(7, expiries.Count);
        Assert.Equal(7, expiries.Select(e => e.LotId).Distinct().Count());
    }

    [Fact]
    public async Task ReleaseAllPendingAsync_MakesPointsAvailable_AfterTheReturnWindow()
    {
        var member = await factory.NewMemberAsync();
        var lot = await factory.CreditAsync(member, 300, pendingUntil: factory.Now.AddDays(7));
        var before = await factory.WithAsync<PointsMaintenance, int>(m => m.ReleaseAllPendingAsync());
        var pending = await factory.AssertConsistentAsync(member);

        factory.Time.Advance(TimeSpan.FromDays(7) + TimeSpan.FromSeconds(1));
        var released = await factory.WithAsync<PointsMaintenance, int>(m => m.ReleaseAllPendingAsync());
        var rerun = await factory.WithAsync<PointsMaintenance, int>(m => m.ReleaseAllPendingAsync());

        Assert.Equal(0, before);
        Assert.Equal((0L, 300L), (pending.PointsBalance, pending.PendingPoints));
        Assert.Equal(1, released);
        Assert.Equal(0, rerun);
        var entry = (await factory.EntriesAsync(member)).Last();
        Assert.Equal((PointEntryKind.PendingRelease, 300L, -300L, lot.LotId), (entry.Kind, entry.Delta, entry.PendingDelta, entry.LotId));
        var state = await factory.AssertConsistentAsync(member);
        Assert.Equal((300L, 0L), (state.PointsBalance, state.PendingPoints));
    }

    [Fact]
    public async Task FindMismatchesAsync_ReportsMember_WhenStoredBalanceDriftsFromLedger()
    {
        var member = await factory.NewMemberAsync();
        await factory.CreditAsync(member, 100, expiresInDays: 400);
        await factory.WithDbAsync(db => db.Database.ExecuteSqlInterpolatedAsync($"UPDATE members SET points_balance = 120 WHERE id = {member}"));

        var all = await factory.WithAsync<PointsBalanceCheck, List<BalanceMismatch>>(c => c.FindAllMismatchesAsync(window: 2));

        var mismatch = Assert.Single(all);
        Assert.Equal((member, 120L, 100L, 100L), (mismatch.MemberId, mismatch.PointsBalance, mismatch.LedgerBalance, mismatch.LotsAvailable));
        await factory.WithDbAsync(db => db.Database.ExecuteSqlInterpolatedAsync($"UPDATE members SET points_balance = 100 WHERE id = {member}"));
    }
}
