using WechatLoyalty.Domain.Common;
using WechatLoyalty.Domain.Points;
using static WechatLoyalty.Domain.Tests.Points.LotAllocationTests;

namespace WechatLoyalty.Domain.Tests.Points;

public class PointsAccountTests
{
    private static PointsAccount Account(long balance, long pending, params PointLot[] lots) => new(1, balance, pending, lots, Now);

    private static PointsCredit Credit(long points, DateTime? pendingUntil = null, string key = "earn:tx:1") =>
        new(1, points, PointSource.Purchase, key, Now, Now.AddDays(365), pendingUntil);

    /// <summary>The representation the ledger promises (see PointsAccount).</summary>
    private static void AssertConsistent(PointsAccount a, long ledgerBalanceBefore = 0, long ledgerPendingBefore = 0)
    {
        Assert.Equal(a.Balance, ledgerBalanceBefore + a.NewEntries.Sum(e => e.Delta));
        Assert.Equal(a.Pending, ledgerPendingBefore + a.NewEntries.Sum(e => e.PendingDelta));
        Assert.Equal(Math.Max(a.Balance, 0), a.Lots.Where(l => !l.IsPending).Sum(l => l.Remaining));
        Assert.Equal(a.Pending, a.Lots.Where(l => l.IsPending).Sum(l => l.Remaining));
    }

    [Fact]
    public void Spend_TakesSoonestExpiringLots_AndRecordsBalanceAfter()
    {
        var later = Lot(1, 100, 300);
        var sooner = Lot(2, 100, 30);
        var account = Account(200, 0, later, sooner);

        var (entry, takes) = account.Spend(PointEntryKind.Redeem, "redeem:order:A", 150, allowDebt: false, null);

        Assert.Equal([(2L, 100L), (1L, 50L)], takes.Select(t => (t.Lot.Id, t.Points)));
        Assert.Equal((0L, 50L), (sooner.Remaining, later.Remaining));
        Assert.Equal((-150L, 50L), (entry.Delta, entry.BalanceAfter));
        AssertConsistent(account, 200);
    }

    [Fact]
    public void Spend_ThrowsInsufficient_WhenOnlyPendingPointsWouldCoverIt()
    {
        var account = Account(100, 500, Lot(1, 100, 30), Lot(2, 500, 300, pending: true));

        var ex = Assert.Throws<DomainException>(() => account.Spend(PointEntryKind.Redeem, "k", 200, allowDebt: false, null));

        Assert.Equal(("points.insufficient", DomainErrorKind.Conflict), (ex.Code, ex.Kind));
        Assert.Empty(account.NewEntries);
    }

    [Fact]
    public void Spend_LeavesDebt_WhenNegativeAllowed()
    {
        var account = Account(100, 0, Lot(1, 100, 30));

        account.Spend(PointEntryKind.Adjust, "adjust:x", 250, allowDebt: true, "goodwill reversed");

        Assert.Equal((-150L, 150L), (account.Balance, account.Debt));
        AssertConsistent(account, 100);
    }

    [Fact]
    public void Credit_PaysDebtFirst_WhenBalanceIsNegative()
    {
        var account = Account(-150, 0);

        var entry = account.Credit(Credit(400));

        Assert.Equal((400L, 250L), (entry.Delta, entry.BalanceAfter));
        Assert.Equal(250, account.NewLots.Single().Remaining);
        Assert.Equal(400, account.NewLots.Single().Amount);
        AssertConsistent(account, -150);
    }

    [Fact]
    public void Credit_HoldsPointsAsPending_WhenReturnWindowIsOpen()
    {
        var account = Account(0, 0);

        var entry = account.Credit(Credit(300, pendingUntil: Now.AddDays(7)));

        Assert.Equal((0L, 300L), (entry.Delta, entry.PendingDelta));
        Assert.Equal((0L, 300L), (account.Balance, account.Pending));
        Assert.True(account.NewLots.Single().IsPending);
        AssertConsistent(account);
    }

    [Fact]
    public void Refund_TakesOwnPendingLotFirst_ThenAvailable_ThenDebt()
    {
        var own = Lot(7, 40, 400, pending: true, paymentId: 9);
        var other = Lot(1, 30, 10);
        var account = Account(30, 40, own, other);

        var entry = account.Refund(9, "refund:R1", 100, null);

        Assert.Equal((0L, 0L), (own.Remaining, other.Remaining));
        Assert.Equal((-60L, -40L), (entry.Delta, entry.PendingDelta));
        Assert.Equal((-30L, 0L), (account.Balance, account.Pending));
        AssertConsistent(account, 30, 40);
    }

    [Fact]
    public void Settle_ReleasesDuePendingLot_AndItPaysTheDebt()
    {
        var lot = Lot(1, 500, 300, pending: true);
        lot.PendingUntil = Now.AddMinutes(-1);
        var account = Account(-200, 500, lot);

        account.Settle();

        var entry = Assert.Single(account.NewEntries);
        Assert.Equal((PointEntryKind.PendingRelease, 500L, -500L), (entry.Kind, entry.Delta, entry.PendingDelta));
        Assert.Equal((300L, 0L, 300L), (account.Balance, account.Pending, lot.Remaining));
        Assert.False(lot.IsPending);
        AssertConsistent(account, -200, 500);
    }

    [Fact]
    public void Settle_ExpiresLotsPastExpiry_AndMarksSpentOnesWithoutEntry()
    {
        var full = Lot(1, 80, -1);
        var spent = Lot(2, 0, -2);
        var live = Lot(3, 20, 10);
        var account = Account(100, 0, full, spent, live);

        account.Settle();

        var entry = Assert.Single(account.NewEntries);
        Assert.Equal(("expire:lot:1", -80L, 20L), (entry.IdempotencyKey, entry.Delta, entry.BalanceAfter));
        Assert.Equal(Now, full.ExpiredAt);
        Assert.Equal(Now, spent.ExpiredAt);
        Assert.Null(live.ExpiredAt);
        AssertConsistent(account, 100);
    }

    [Fact]
    public void Settle_WritesOneExpireEntry_ForAllLotsExpiringTogether()
    {
        var a = Lot(4, 30, -1, paymentId: 9);
        var b = Lot(2, 50, -2, paymentId: 8);
        var pending = Lot(3, 40, -1, pending: true); // window still open (3 days), but past its expiry
        var live = Lot(5, 25, 10);
        var account = Account(105, 40, a, b, pending, live);

        account.Settle();

        var entry = Assert.Single(account.NewEntries);
        Assert.Equal((PointEntryKind.Expire, "expire:lot:2", -80L, -40L, 25L), (entry.Kind, entry.IdempotencyKey, entry.Delta, entry.PendingDelta, entry.BalanceAfter));
        Assert.Equal(((long?)null, (long?)null), (entry.LotId, entry.PaymentId));
        Assert.StartsWith("Expired (3 lots earned ", entry.Reason);
        Assert.All(new[] { a, b, pending }, l => Assert.Equal((0L, (DateTime?)Now), (l.Remaining, l.ExpiredAt)));
        AssertConsistent(account, 105, 40);
    }

    [Fact]
    public void Restore_ReturnsPointsToTheirLots_ExceptThoseThatExpiredMeanwhile()
    {
        var live = Lot(1, 0, 30);
        var account = Account(0, 0, live);

        var (entry, lost) = account.Restore([(1, 120), (2, 80)], "release:order:A", "closed");

        Assert.Equal((120L, 80L, 120L), (entry.Delta, lost, live.Remaining));
        AssertConsistent(account);
    }
}
