using WechatLoyalty.Domain.Common;
using WechatLoyalty.Domain.Points;

namespace WechatLoyalty.Api.Tests.Points;

public class PointsRedemptionTests(PointsFactory factory) : IClassFixture<PointsFactory>
{
    private static string OrderNo() => $"O{Guid.NewGuid():N}"[..24];

    private Task<LedgerResult> ReserveAsync(long member, string orderNo, long points) =>
        factory.WithAsync<PointsRedemption, LedgerResult>(r => r.ReserveAsync(member, orderNo, points, default));

    private Task<LedgerResult> ReleaseAsync(string orderNo) =>
        factory.WithAsync<PointsRedemption, LedgerResult>(r => r.ReleaseAsync(orderNo, default));

    private Task<bool> ConfirmAsync(string orderNo) =>
        factory.WithAsync<PointsRedemption, bool>(async r => { await r.ConfirmAsync(orderNo, default); return true; });

    [Fact]
    public async Task ReserveAsync_TakesSoonestExpiringLots_AndReleaseAsyncPutsThemBack()
    {
        var member = await factory.NewMemberAsync();
        var later = await factory.CreditAsync(member, 600, expiresInDays: 300);
        var sooner = await factory.CreditAsync(member, 400, expiresInDays: 30);
        var order = OrderNo();

        var reserved = await ReserveAsync(member, order, 500);
        var lotsWhileReserved = await factory.LotsAsync(member);
        await factory.AssertConsistentAsync(member);
        var released = await ReleaseAsync(order);
        var releasedAgain = await ReleaseAsync(order);

        Assert.Equal((-500L, 500L), (reserved.Delta, reserved.BalanceAfter));
        Assert.Equal(0, lotsWhileReserved.Single(l => l.Id == sooner.LotId).Remaining);
        Assert.Equal(500, lotsWhileReserved.Single(l => l.Id == later.LotId).Remaining);
        Assert.Equal((500L, 1_000L), (released.Delta, released.BalanceAfter));
        Assert.True(releasedAgain.Replayed);
        var lots = await factory.LotsAsync(member);
        Assert.Equal([600L, 400L], lots.Select(l => l.Remaining));
        Assert.Equal(1_000, (await factory.AssertConsistentAsync(member)).PointsBalance);
    }

    [Fact]
    public async Task ReserveAsync_NeverOverdraws_WhenManyOrdersReserveConcurrently()
    {
        var member = await factory.NewMemberAsync();
        await factory.CreditAsync(member, 1_000);

        var attempts = await Task.WhenAll(Enumerable.Range(0, 20).Select(_ => Task.Run(async () =>
        {
            try
            {
                await ReserveAsync(member, OrderNo(), 150);
                return true;
            }
            catch (DomainException ex) when (ex.Code == "points.insufficient")
            {
                return false;
            }
        })));

        Assert.Equal(6, attempts.Count(ok => ok));
        Assert.Equal(100, (await factory.AssertConsistentAsync(member)).PointsBalance);
    }

    [Fact]
    public async Task ReserveAsync_Throws409_WhenPointsAreOnlyPending()
    {
        var member = await factory.NewMemberAsync();
        await factory.CreditAsync(member, 1_000, pendingUntil: factory.Now.AddDays(7));

        var ex = await Assert.ThrowsAsync<DomainException>(() => ReserveAsync(member, OrderNo(), 500));

        Assert.Equal(("points.insufficient", DomainErrorKind.Conflict), (ex.Code, ex.Kind));
        var state = await factory.AssertConsistentAsync(member);
        Assert.Equal((0L, 1_000L), (state.PointsBalance, state.PendingPoints));
    }

    [Fact]
    public async Task ReserveAsync_ReservesOnce_WhenPrepayIsRetried()
    {
        var member = await factory.NewMemberAsync();
        await factory.CreditAsync(member, 1_000);
        var order = OrderNo();

        await ReserveAsync(member, order, 500);
        var again = await ReserveAsync(member, order, 500);

        Assert.True(again.Replayed);
        Assert.Equal(500, (await factory.AssertConsistentAsync(member)).PointsBalance);
    }

    [Fact]
    public async Task ReleaseAsync_Throws409_WhenOrderWasPaid()
    {
        var member = await factory.NewMemberAsync();
        await factory.CreditAsync(member, 1_000);
        var order = OrderNo();
        await ReserveAsync(member, order, 500);

        await ConfirmAsync(order);
        await ConfirmAsync(order);
        var ex = await Assert.ThrowsAsync<DomainException>(() => ReleaseAsync(order));

        Assert.Equal(("points.reservation_confirmed", DomainErrorKind.Conflict), (ex.Code, ex.Kind));
        Assert.Equal(500, (await factory.AssertConsistentAsync(member)).PointsBalance);
    }

    [Fact]
    public async Task ConfirmAsync_Throws409_WhenPointsWereReleased()
    {
        var member = await factory.NewMemberAsync();
        await factory.CreditAsync(member, 1_000);
        var order = OrderNo();
        await ReserveAsync(member, order, 500);
        await ReleaseAsync(order);

        var ex = await Assert.ThrowsAsync<DomainException>(() => ConfirmAsync(order));

        Assert.Equal("points.reservation_released", ex.Code);
        Assert.Equal(1_000, (await factory.AssertConsistentAsync(member)).PointsBalance);
    }
}
