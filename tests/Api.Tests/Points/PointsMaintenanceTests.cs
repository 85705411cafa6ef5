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

        // 12 lots due, 4 per member: one Expire entry per member covers them. The first member's soonest lot was
        // emptied by the reservation (and the next one half), so it loses 250, the others 400.
        Assert.Equal(3, written);
        Assert.Equal(0, rerun);
        foreach (var member in members)
        {
            var state = await factory.AssertConsistentAsync(member);
            Assert.Equal(50, state.PointsBalance);
            var lots = await factory.LotsAsync(member);
            var due = lots.Where(l => l.ExpiresAt <= factory.Now).ToList();
            Assert.All(due, l => Assert.Equal((0L, true), (l.Remaining, l.ExpiredAt is not null)));
            var expiry = Assert.Single(await factory.EntriesAsync(member), e => e.Kind == PointEntryKind.Expire);
            var holding = member == members[0] ? due.Skip(1).ToList() : due;
            Assert.Equal((member == members[0] ? -250L : -400L, 0L, 50L), (expiry.Delta, expiry.PendingDelta, expiry.BalanceAfter));
            Assert.Equal((LedgerKeys.Expire(holding.Min(l => l.Id)), (long?)null), (expiry.IdempotencyKey, expiry.LotId));
            Assert.StartsWith($"Expired ({holding.Count} lots earned ", expiry.Reason);
        }
        // The member who reserved 150 lost 250 to expiry (the 150 had left their lots); releasing restores none of it.
        var released = await factory.WithAsync<PointsRedemption, LedgerResult>(r => r.ReleaseAsync(order, default));
        Assert.Equal(0, released.Delta);
        Assert.Equal(50, (await factory.AssertConsistentAsync(members[0])).PointsBalance);
    }

    [Fact]
    public async Task ExpireAllAsync_ResumesAfterACrashMidRun_WithoutDoubleExpiry()
    {
        var members = new List<long>();
        for (var i = 0; i < 5; i++)
        {
            var member = await factory.NewMemberAsync();
            members.Add(member);
            for (var j = 0; j < 3; j++) await factory.CreditAsync(member, 10, expiresInDays: 1);
        }
        factory.Time.Advance(TimeSpan.FromDays(2));

        // A run that died after its first batch (3 lots: the first member's): that batch committed, nothing after it started.
        var first = await factory.WithAsync<PointsMaintenance, MaintenanceBatch>(m => m.ExpireBatchAsync(3));
        var rest = await ExpireAllAsync(batchSize: 3);

        Assert.Equal((3, 1, 4), (first.LotsDue, first.EntriesWritten, rest));
        foreach (var member in members)
        {
            Assert.Equal(0, (await factory.AssertConsistentAsync(member)).PointsBalance);
            var expiry = Assert.Single(await factory.EntriesAsync(member), e => e.Kind == PointEntryKind.Expire);
            Assert.Equal(-30, expiry.Delta);
        }
    }

    [Fact]
    public async Task ExpireAllAsync_TakesExpiringPendingPointsFromPending_AndReleasesDuePendingLotsFirst()
    {
        // Set-based members: one available lot and one pending lot (window still open) expire together.
        var setBased = await factory.NewMemberAsync();
        await factory.CreditAsync(setBased, 100, expiresInDays: 1);
        await factory.CreditAsync(setBased, 40, expiresInDays: 1, pendingUntil: factory.Now.AddDays(5));
        await factory.CreditAsync(setBased, 7, expiresInDays: 60);
        // In-memory member: its pending lot's window closes before the run, so the release is due with the expiry.
        var releasing = await factory.NewMemberAsync();
        await factory.CreditAsync(releasing, 30, expiresInDays: 1, pendingUntil: factory.Now.AddHours(1));
        await factory.CreditAsync(releasing, 20, expiresInDays: 1);
        factory.Time.Advance(TimeSpan.FromDays(2));

        var written = await ExpireAllAsync();

        Assert.Equal(2, written);
        var a = await factory.AssertConsistentAsync(setBased);
        Assert.Equal((7L, 0L), (a.PointsBalance, a.PendingPoints));
        var expiry = Assert.Single(await factory.EntriesAsync(setBased), e => e.Kind == PointEntryKind.Expire);
        Assert.Equal((-100L, -40L, 7L), (expiry.Delta, expiry.PendingDelta, expiry.BalanceAfter));
        var b = await factory.AssertConsistentAsync(releasing);
        Assert.Equal((0L, 0L), (b.PointsBalance, b.PendingPoints));
        var entries = (await factory.EntriesAsync(releasing)).TakeLast(2).ToList();
        Assert.Equal((PointEntryKind.PendingRelease, 30L, -30L), (entries[0].Kind, entries[0].Delta, entries[0].PendingDelta));
        Assert.Equal((PointEntryKind.Expire, -50L, 0L, 0L), (entries[1].Kind, entries[1].Delta, entries[1].PendingDelta, entries[1].BalanceAfter));
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
