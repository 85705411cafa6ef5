using WechatLoyalty.Domain.Points;

namespace WechatLoyalty.Domain.Tests.Points;

public class LotAllocationTests
{
    internal static readonly DateTime Now = new(2026, 6, 1, 4, 0, 0, DateTimeKind.Utc);

    internal static PointLot Lot(long id, long remaining, int expiresInDays, bool pending = false, long? paymentId = null) => new()
    {
        Id = id, MemberId = 1, Source = PointSource.Purchase, Amount = remaining, Remaining = remaining,
        EarnedAt = Now.AddDays(-30), ExpiresAt = Now.AddDays(expiresInDays), IsPending = pending,
        PendingUntil = pending ? Now.AddDays(3) : null, PaymentId = paymentId,
    };

    [Fact]
    public void SpendOrder_TakesSoonestExpiryFirst_ThenLowerId()
    {
        var lots = new[] { Lot(1, 10, 300), Lot(2, 10, 30), Lot(3, 10, 30), Lot(4, 10, 90) };

        var order = LotAllocation.SpendOrder(lots, Now).Select(l => l.Id);

        Assert.Equal([2, 3, 4, 1], order);
    }

    [Fact]
    public void SpendOrder_ExcludesPendingExpiredAndEmptyLots()
    {
        var expired = Lot(3, 10, -1);
        var settled = Lot(4, 10, 10);
        settled.ExpiredAt = Now.AddDays(-1);
        var lots = new[] { Lot(1, 10, 10, pending: true), Lot(2, 0, 10), expired, settled, Lot(5, 10, 20) };

        var order = LotAllocation.SpendOrder(lots, Now).Select(l => l.Id);

        Assert.Equal([5], order);
    }

    [Fact]
    public void Take_SplitsAcrossLotsInOrder_WhenFirstLotIsShort()
    {
        var lots = new[] { Lot(1, 30, 10), Lot(2, 50, 20), Lot(3, 50, 30) };

        var takes = LotAllocation.Take(lots, 60);

        Assert.Equal([(1L, 30L), (2L, 30L)], takes.Select(t => (t.Lot.Id, t.Points)));
    }

    [Fact]
    public void Take_ReturnsLessThanAsked_WhenLotsRunOut()
    {
        var takes = LotAllocation.Take([Lot(1, 30, 10)], 100);

        Assert.Equal(30, takes.Sum(t => t.Points));
    }

    [Fact]
    public void RefundOrder_TakesPaymentsOwnLotFirst_EvenWhenPending()
    {
        var lots = new[] { Lot(1, 50, 10), Lot(2, 40, 400, pending: true, paymentId: 9), Lot(3, 50, 5, pending: true) };

        var order = LotAllocation.RefundOrder(lots, paymentId: 9, Now).Select(l => l.Id);

        // Own lot (pending) first, then available lots soonest first; another payment's pending lot is never touched.
        Assert.Equal([2, 1], order);
    }

    [Theory]
    [InlineData(-300, 100, 100)]
    [InlineData(-300, 500, 300)]
    [InlineData(0, 500, 0)]
    [InlineData(200, 500, 0)]
    public void DebtPayoff_PaysDebtFirst_UpToTheCredit(long balance, long credit, long expected)
    {
        Assert.Equal(expected, LotAllocation.DebtPayoff(balance, credit));
    }

    [Fact]
    public void RefundReversal_PartialRefundsAddUpToTheWhole_WhenEachWouldRoundDown()
    {
        // 100 points on 100.00 CNY refunded in three parts of 33.33, 33.33 and 33.34: rounding each alone gives 33+33+33.
        long before = 0, reversed = 0;
        foreach (var part in new long[] { 3_333, 3_333, 3_334 })
        {
            reversed += LotAllocation.RefundReversal(100, before, part, 10_000);
            before += part;
        }

        Assert.Equal(100, reversed);
    }

    [Fact]
    public void RefundReversal_IsProportionalRoundedDown_WhenRefundIsPartial()
    {
        Assert.Equal(179, LotAllocation.RefundReversal(536, 0, 9_000, 26_850));
    }
}
