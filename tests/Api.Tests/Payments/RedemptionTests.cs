using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using WechatLoyalty.Api.Tests.Infrastructure;
using WechatLoyalty.Domain.Points;

namespace WechatLoyalty.Api.Tests.Payments;

/// <summary>Points against an order: reserved at prepay, spent when paid, back when the order closes unpaid.</summary>
public class RedemptionTests(LoyaltyApiFactory factory) : IClassFixture<LoyaltyApiFactory>
{
    [Fact]
    public async Task Close_ReleasesReservedPoints_WhenOrderClosedUnpaid()
    {
        var customer = await Shop.CustomerAsync(factory);
        var memberId = customer.MemberId!.Value;
        await Shop.AdjustAsync(await Shop.AdminAsync(factory), memberId, 1_000);

        var response = await Shop.PostOrderAsync(customer.Client, 20_000, redeemPoints: 500);
        var created = await response.Content.ReadFromJsonAsync<JsonElement>();
        var outTradeNo = created.GetProperty("order").GetProperty("outTradeNo").GetString()!;
        Assert.Equal(15_000, created.GetProperty("order").GetProperty("chargeFen").GetInt64());
        Assert.StartsWith("prepay_id=", created.GetProperty("requestPayment").GetProperty("package").GetString());
        Assert.Equal(500, (await Shop.MemberAsync(factory, memberId)).PointsBalance);

        var closed = await customer.Client.PostAsync($"/api/orders/{outTradeNo}/close", null);

        Assert.Equal(HttpStatusCode.OK, closed.StatusCode);
        Assert.Equal("Closed", (await closed.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("status").GetString());
        Assert.Equal(1_000, (await Shop.MemberAsync(factory, memberId)).PointsBalance);
        var reservation = await factory.WithDbAsync(db => db.PointReservations.AsNoTracking().SingleAsync(r => r.OrderNo == outTradeNo));
        Assert.Equal(PointReservationStatus.Released, reservation.Status);
        Assert.Equal("CLOSED", factory.Simulator.State.Orders[outTradeNo].TradeState);
    }

    [Fact]
    public async Task Pay_ConfirmsReservationAndEarnsOnChargedAmount_WhenRedemptionOrderPaid()
    {
        var customer = await Shop.CustomerAsync(factory);
        var memberId = customer.MemberId!.Value;
        await Shop.AdjustAsync(await Shop.AdminAsync(factory), memberId, 500);
        var outTradeNo = await Shop.OrderAsync(customer.Client, 20_000, redeemPoints: 500);

        var paid = await Shop.PayAsync(factory, outTradeNo);
        await Shop.EventuallyAsync(() => Shop.PaymentRecordedAsync(factory, paid.TransactionId));

        Assert.Equal(15_000, paid.Total);
        Assert.Equal(150, (await Shop.MemberAsync(factory, memberId)).PointsBalance);
        var reservation = await factory.WithDbAsync(db => db.PointReservations.AsNoTracking().SingleAsync(r => r.OrderNo == outTradeNo));
        Assert.Equal(PointReservationStatus.Confirmed, reservation.Status);
        var close = await customer.Client.PostAsync($"/api/orders/{outTradeNo}/close", null);
        Assert.Equal(HttpStatusCode.Conflict, close.StatusCode);
    }

    [Theory]
    [InlineData(20_000, 1_500)] // 150 CNY off a 200 CNY order: over 50%
    [InlineData(20_000, 600)] // not a step of 500
    public async Task Create_Is400AndReservesNothing_WhenRedemptionBreaksRules(long amountFen, long points)
    {
        var customer = await Shop.CustomerAsync(factory);
        var memberId = customer.MemberId!.Value;
        await Shop.AdjustAsync(await Shop.AdminAsync(factory), memberId, 5_000);

        var response = await Shop.PostOrderAsync(customer.Client, amountFen, points);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal(5_000, (await Shop.MemberAsync(factory, memberId)).PointsBalance);
        Assert.False(await factory.WithDbAsync(db => db.Orders.AnyAsync(o => o.MemberId == memberId)));
    }

    [Fact]
    public async Task Create_Is409_WhenMemberHasTooFewPoints()
    {
        var customer = await Shop.CustomerAsync(factory);

        var response = await Shop.PostOrderAsync(customer.Client, 20_000, 500);

        Assert.Equal(HttpStatusCode.Conflict, response.StatusCode);
        Assert.False(await factory.WithDbAsync(db => db.Orders.AnyAsync(o => o.MemberId == customer.MemberId)));
    }

    [Fact]
    public async Task Get_Is404_WhenOrderBelongsToSomeoneElse()
    {
        var owner = await Shop.CustomerAsync(factory);
        var other = await Shop.CustomerAsync(factory);
        var outTradeNo = await Shop.OrderAsync(owner.Client, 1_000);

        var response = await other.Client.GetAsync($"/api/orders/{outTradeNo}");
        var close = await other.Client.PostAsync($"/api/orders/{outTradeNo}/close", null);

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, close.StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await owner.Client.GetAsync($"/api/orders/{outTradeNo}")).StatusCode);
    }
}
