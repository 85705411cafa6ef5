using Microsoft.EntityFrameworkCore;
using WechatLoyalty.Domain.Common;
using WechatLoyalty.Domain.Data;
using WechatLoyalty.Domain.Points;
using WechatLoyalty.Domain.Programme;

namespace WechatLoyalty.Api.Tests.Points;

public class PointsLedgerTests(PointsFactory factory) : IClassFixture<PointsFactory>
{
    [Fact]
    public async Task CreditAsync_WritesOnce_WhenReplayed()
    {
        var member = await factory.NewMemberAsync();
        var key = $"earn:tx:{Guid.NewGuid():N}";

        var first = await factory.CreditAsync(member, 300, key);
        var again = await factory.CreditAsync(member, 300, key);

        Assert.False(first.Replayed);
        Assert.True(again.Replayed);
        Assert.Equal(first.EntryId, again.EntryId);
        Assert.Single(await factory.EntriesAsync(member));
        Assert.Single(await factory.LotsAsync(member));
        Assert.Equal(300, (await factory.AssertConsistentAsync(member)).PointsBalance);
    }

    [Fact]
    public async Task CreditAsync_WritesOneEntry_When20ConcurrentCallsShareTheKey()
    {
        var member = await factory.NewMemberAsync();
        var key = $"earn:tx:{Guid.NewGuid():N}";

        var results = await Task.WhenAll(Enumerable.Range(0, 20).Select(_ => Task.Run(() => factory.CreditAsync(member, 500, key))));

        Assert.Single(results, r => !r.Replayed);
        Assert.Single(results.Select(r => r.EntryId).Distinct());
        Assert.Single(await factory.EntriesAsync(member));
        Assert.Single(await factory.LotsAsync(member));
        Assert.Equal(500, (await factory.AssertConsistentAsync(member)).PointsBalance);
    }

    [Fact]
    public async Task CreditAsync_Throws409_WhenKeyWasUsedForAnotherAmount()
    {
        var member = await factory.NewMemberAsync();
        var key = $"earn:tx:{Guid.NewGuid():N}";
        await factory.CreditAsync(member, 300, key);

        var ex = await Assert.ThrowsAsync<DomainException>(() => factory.CreditAsync(member, 301, key));

        Assert.Equal(("points.key_reused", DomainErrorKind.Conflict), (ex.Code, ex.Kind));
        await factory.AssertConsistentAsync(member);
    }

    [Fact]
    public async Task CreditAsync_JoinsCallersTransaction_SoARollbackLeavesNothing()
    {
        var member = await factory.NewMemberAsync();

        await factory.WithDbAsync(async db =>
        {
            var strategy = db.Database.CreateExecutionStrategy();
            await strategy.ExecuteAsync(async () =>
            {
                await using var tx = await db.Database.BeginTransactionAsync();
                var ledger = new PointsLedger(new LedgerStore(db, Clock()), Clock());
                await ledger.CreditAsync(new PointsCredit(member, 100, PointSource.Purchase, $"earn:tx:{Guid.NewGuid():N}",
                    factory.Now, factory.Now.AddDays(30)), default);
                await tx.RollbackAsync();
            });
        });

        Assert.Empty(await factory.EntriesAsync(member));
        Assert.Equal(0, (await factory.AssertConsistentAsync(member)).PointsBalance);
    }

    [Fact]
    public async Task CreditAsync_ReplaysAndLeavesTheTransactionUsable_WhenALockedAccountMeetsAnExistingKey()
    {
        // The payment path's credit (one batched round trip, no look-up of the key first): the duplicate must roll back
        // only the credit's own writes, to its savepoint, and the caller's transaction must carry on.
        var member = await factory.NewMemberAsync();
        var key = $"earn:tx:{Guid.NewGuid():N}";
        var first = await factory.CreditAsync(member, 300, key);

        var (replay, other) = await InLockedTransactionAsync(member, async (ledger, locked) => (
            await ledger.CreditAsync(new PointsCredit(member, 300, PointSource.Purchase, key, factory.Now, factory.Now.AddDays(30)), locked, default),
            await ledger.CreditAsync(new PointsCredit(member, 50, PointSource.Purchase, $"earn:tx:{Guid.NewGuid():N}", factory.Now, factory.Now.AddDays(30)), default)));

        Assert.True(replay.Replayed);
        Assert.Equal(first.EntryId, replay.EntryId);
        Assert.False(other.Replayed);
        Assert.Equal(2, (await factory.EntriesAsync(member)).Count);
        Assert.Equal(2, (await factory.LotsAsync(member)).Count);
        Assert.Equal(350, (await factory.AssertConsistentAsync(member)).PointsBalance);
    }

    [Fact]
    public async Task CreditAsync_WritesTheDueReleaseWithTheCredit_WhenALockedAccountHadAPendingLotDue()
    {
        var member = await factory.NewMemberAsync();
        await factory.CreditAsync(member, 100, pendingUntil: factory.Now.AddDays(1));
        factory.Time.Advance(TimeSpan.FromDays(2));

        var credit = await InLockedTransactionAsync(member, (ledger, locked) =>
            ledger.CreditAsync(new PointsCredit(member, 200, PointSource.Purchase, $"earn:tx:{Guid.NewGuid():N}", factory.Now, factory.Now.AddDays(30)), locked, default));

        var entries = await factory.EntriesAsync(member);
        Assert.Equal([PointEntryKind.Earn, PointEntryKind.PendingRelease, PointEntryKind.Earn], entries.Select(e => e.Kind));
        Assert.Equal(credit.EntryId, entries[^1].Id);
        Assert.Equal(credit.LotId, entries[^1].LotId);
        Assert.Equal([100, 200], (await factory.LotsAsync(member)).Select(l => l.Remaining));
        var stored = await factory.AssertConsistentAsync(member);
        Assert.Equal((300, 0), (stored.PointsBalance, stored.PendingPoints));
    }

    /// <summary>Locks the member as the payment recorder does and runs <paramref name="work"/> in that transaction, then commits.</summary>
    private Task<T> InLockedTransactionAsync<T>(long member, Func<PointsLedger, PointsAccount, Task<T>> work) => factory.WithDbAsync(db =>
        db.ExecuteAsync(async token =>
        {
            var store = new LedgerStore(db, Clock());
            var locked = await store.LockMemberAsync(member, token) ?? throw new InvalidOperationException("No such member.");
            return await work(new PointsLedger(store, Clock()), locked.Account);
        }));

    [Fact]
    public async Task ReverseRefundAsync_LeavesDebt_ThenNextEarningPaysItOff_WhenPointsWereSpent()
    {
        var member = await factory.NewMemberAsync();
        var payment = await factory.NewPaymentAsync(member, 40_000);
        await factory.CreditAsync(member, 400, paymentId: payment);
        await factory.WithAsync<PointsRedemption, LedgerResult>(r => r.ReserveAsync(member, $"O{Guid.NewGuid():N}"[..20], 300, default));
        var refundId = $"50301{Guid.NewGuid():N}";

        var refund = await factory.WithAsync<PointsLedger, LedgerResult>(l => l.ReverseRefundAsync(new RefundReversal(payment, refundId, 40_000), default));
        var inDebt = await factory.AssertConsistentAsync(member);
        var replay = await factory.WithAsync<PointsLedger, LedgerResult>(l => l.ReverseRefundAsync(new RefundReversal(payment, refundId, 40_000), default));
        var earning = await factory.CreditAsync(member, 500);

        Assert.Equal((-400L, -300L), (refund.Delta, refund.BalanceAfter));
        Assert.Equal(-300, inDebt.PointsBalance);
        Assert.True(replay.Replayed);
        Assert.Equal(200, earning.BalanceAfter);
        Assert.Equal(200, (await factory.LotsAsync(member)).Single(l => l.Id == earning.LotId).Remaining);
        Assert.Equal(40_000, await factory.WithDbAsync(db => db.Payments.Where(p => p.Id == payment).Select(p => p.RefundedFen).SingleAsync()));
        Assert.Equal(200, (await factory.AssertConsistentAsync(member)).PointsBalance);
    }

    [Fact]
    public async Task ReverseRefundAsync_TakesOwnLotFirst_AndRoundsPartsToTheWhole()
    {
        var member = await factory.NewMemberAsync();
        var older = await factory.CreditAsync(member, 1_000, expiresInDays: 30);
        var payment = await factory.NewPaymentAsync(member, 10_000);
        var own = await factory.CreditAsync(member, 100, paymentId: payment, pendingUntil: factory.Now.AddDays(7));

        var parts = new List<LedgerResult>();
        foreach (var fen in new long[] { 3_333, 3_333, 3_334 })
        {
            parts.Add(await factory.WithAsync<PointsLedger, LedgerResult>(l =>
                l.ReverseRefundAsync(new RefundReversal(payment, $"R{Guid.NewGuid():N}", fen), default)));
        }

        var lots = await factory.LotsAsync(member);
        Assert.Equal([-33L, -33L, -34L], parts.Select(p => p.PendingDelta));
        Assert.All(parts, p => Assert.Equal(0, p.Delta));
        Assert.Equal(0, lots.Single(l => l.Id == own.LotId).Remaining);
        Assert.Equal(1_000, lots.Single(l => l.Id == older.LotId).Remaining);
        var state = await factory.AssertConsistentAsync(member);
        Assert.Equal((1_000L, 0L), (state.PointsBalance, state.PendingPoints));
    }

    [Fact]
    public async Task ReverseRefundAsync_Throws409_WhenRefundsExceedThePayment()
    {
        var member = await factory.NewMemberAsync();
        var payment = await factory.NewPaymentAsync(member, 10_000);
        await factory.CreditAsync(member, 100, paymentId: payment);
        await factory.WithAsync<PointsLedger, LedgerResult>(l => l.ReverseRefundAsync(new RefundReversal(payment, $"R{Guid.NewGuid():N}", 6_000), default));

        var ex = await Assert.ThrowsAsync<DomainException>(() => factory.WithAsync<PointsLedger, LedgerResult>(l =>
            l.ReverseRefundAsync(new RefundReversal(payment, $"R{Guid.NewGuid():N}", 5_000), default)));

        Assert.Equal("refund.exceeds_payment", ex.Code);
        Assert.Equal(40, (await factory.AssertConsistentAsync(member)).PointsBalance);
    }

    [Fact]
    public async Task AdjustAsync_RecordsReasonAndActor_AndRefusesToGoNegative_UnlessAllowed()
    {
        var member = await factory.NewMemberAsync();
        var rules = ProgrammePresets.ByName("accessory");
        Task<LedgerResult> Adjust(long points, bool allowNegative = false) => factory.WithAsync<PointsLedger, LedgerResult>(l =>
            l.AdjustAsync(new ManualAdjustment(member, points, "Goodwill for a late delivery", "admin@shop", Guid.NewGuid(), allowNegative), rules, default));

        await Adjust(200);
        var refused = await Assert.ThrowsAsync<DomainException>(() => Adjust(-250));
        var allowed = await Adjust(-250, allowNegative: true);

        Assert.Equal("points.insufficient", refused.Code);
        Assert.Equal(-50, allowed.BalanceAfter);
        var entries = await factory.EntriesAsync(member);
        Assert.All(entries, e => Assert.Equal(("admin@shop", PointEntryKind.Adjust), (e.Actor, e.Kind)));
        var lot = Assert.Single(await factory.LotsAsync(member));
        Assert.Equal(PointSource.Manual, lot.Source);
        Assert.True(lot.ExpiresAt > factory.Now.AddMonths(23));
        Assert.Equal(-50, (await factory.AssertConsistentAsync(member)).PointsBalance);
    }

    [Fact]
    public async Task AdjustAsync_Throws400_WhenReasonIsBlank()
    {
        var member = await factory.NewMemberAsync();

        var ex = await Assert.ThrowsAsync<DomainException>(() => factory.WithAsync<PointsLedger, LedgerResult>(l =>
            l.AdjustAsync(new ManualAdjustment(member, 10, " ", "admin@shop", Guid.NewGuid()), ProgrammePresets.ByName("mall"), default)));

        Assert.Equal(("points.invalid", DomainErrorKind.Invalid), (ex.Code, ex.Kind));
        Assert.Empty(await factory.EntriesAsync(member));
    }

    [Fact]
    public async Task GetPageAsync_PagesNewestFirst_WithoutGapsOrRepeats()
    {
        var member = await factory.NewMemberAsync();
        for (var i = 1; i <= 5; i++) await factory.CreditAsync(member, i);

        var first = await factory.WithAsync<PointsHistory, PointsHistoryPage>(h => h.GetPageAsync(member, null, 2, default));
        var second = await factory.WithAsync<PointsHistory, PointsHistoryPage>(h => h.GetPageAsync(member, first.NextBefore, 2, default));
        var last = await factory.WithAsync<PointsHistory, PointsHistoryPage>(h => h.GetPageAsync(member, second.NextBefore, 2, default));

        Assert.Equal([5L, 4L, 3L, 2L, 1L], first.Items.Concat(second.Items).Concat(last.Items).Select(i => i.Delta));
        Assert.Null(last.NextBefore);
    }

    private ProgrammeClock Clock() => new(factory.Time, ProgrammeClock.FindZone("Asia/Shanghai"));
}
