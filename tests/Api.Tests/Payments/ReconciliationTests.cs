using System.Net;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using WechatLoyalty.Api.Tests.Infrastructure;
using WechatLoyalty.Domain.Payments;
using WechatLoyalty.Domain.Points;
using WechatLoyalty.Jobs.Payments;

namespace WechatLoyalty.Api.Tests.Payments;

/// <summary>
/// Notifications that never arrive: WeChat Pay is told a notify_url where nothing listens, and orders are due for
/// reconciliation at once (ReconcileAfterMinutes = 0).
/// </summary>
public sealed class LostNotificationsFactory : LoyaltyApiFactory
{
    protected override IEnumerable<KeyValuePair<string, string?>> Settings =>
    [
        new("Payments:ReconcileAfterMinutes", "0"),
        new("Wechat:Pay:NotifyUrl", BaseUrl + "/wechat/pay/nowhere"),
    ];
}

public class ReconciliationTests(LostNotificationsFactory factory) : IClassFixture<LostNotificationsFactory>
{
    [Fact]
    public async Task RunAsync_CreditsPayment_WhenNotificationNeverCame()
    {
        var customer = await Shop.CustomerAsync(factory);
        var outTradeNo = await Shop.OrderAsync(customer.Client, 12_300);
        var paid = await Shop.PayAsync(factory, outTradeNo);
        await Task.Delay(300);
        Assert.False(await Shop.PaymentRecordedAsync(factory, paid.TransactionId));

        await RunJobAsync();

        Assert.True(await Shop.PaymentRecordedAsync(factory, paid.TransactionId));
        Assert.Equal(123, (await Shop.MemberAsync(factory, customer.MemberId!.Value)).PointsBalance);
        var order = await factory.WithDbAsync(db => db.Orders.AsNoTracking().SingleAsync(o => o.OutTradeNo == outTradeNo));
        Assert.Equal(OrderStatus.Paid, order.Status);
    }

    [Fact]
    public async Task Notify_WritesNothing_WhenItArrivesAfterReconciliationRecordedThePayment()
    {
        var customer = await Shop.CustomerAsync(factory);
        var paid = await Shop.PayAsync(factory, await Shop.OrderAsync(customer.Client, 5_000));
        await RunJobAsync();
        var before = await Shop.RowCountsAsync(factory);

        using var client = factory.CreateClient();
        var late = await client.SendAsync(SignedNotifications.Request(factory, "TRANSACTION.SUCCESS", SignedNotifications.Transaction(factory, paid)));

        Assert.Equal(HttpStatusCode.NoContent, late.StatusCode);
        Assert.Equal(before, await Shop.RowCountsAsync(factory));
        Assert.Equal(50, (await Shop.MemberAsync(factory, customer.MemberId!.Value)).PointsBalance);
    }

    [Fact]
    public async Task RunAsync_ClosesOrderAndReleasesPoints_WhenUnpaidPastTimeExpire()
    {
        var customer = await Shop.CustomerAsync(factory);
        var memberId = customer.MemberId!.Value;
        await Shop.AdjustAsync(await Shop.AdminAsync(factory), memberId, 500);
        var outTradeNo = await Shop.OrderAsync(customer.Client, 10_000, redeemPoints: 500);
        Assert.Equal(0, (await Shop.MemberAsync(factory, memberId)).PointsBalance);
        // As if the order had been created long ago: its time_expire has passed (WeChat still says NOTPAY).
        await factory.WithDbAsync(db => db.Orders.Where(o => o.OutTradeNo == outTradeNo)
            .ExecuteUpdateAsync(s => s.SetProperty(o => o.TimeExpire, DateTime.UtcNow.AddMinutes(-1))));

        await RunJobAsync();

        var order = await factory.WithDbAsync(db => db.Orders.AsNoTracking().SingleAsync(o => o.OutTradeNo == outTradeNo));
        Assert.Equal(OrderStatus.Closed, order.Status);
        Assert.Equal("CLOSED", factory.Simulator.State.Orders[outTradeNo].TradeState);
        Assert.Equal(500, (await Shop.MemberAsync(factory, memberId)).PointsBalance);
        var reservation = await factory.WithDbAsync(db => db.PointReservations.AsNoTracking().SingleAsync(r => r.OrderNo == outTradeNo));
        Assert.Equal(PointReservationStatus.Released, reservation.Status);
    }

    [Fact]
    public async Task RunAsync_LeavesOrderOpen_WhenUnpaidWithinItsTime()
    {
        var customer = await Shop.CustomerAsync(factory);
        var outTradeNo = await Shop.OrderAsync(customer.Client, 10_000);

        await RunJobAsync();

        var order = await factory.WithDbAsync(db => db.Orders.AsNoTracking().SingleAsync(o => o.OutTradeNo == outTradeNo));
        Assert.Equal(OrderStatus.Prepaid, order.Status);
    }

    private async Task RunJobAsync()
    {
        await using var scope = factory.Services.CreateAsyncScope();
        await scope.ServiceProvider.GetRequiredService<ReconcilePaymentsJob>().RunAsync(default);
    }
}
