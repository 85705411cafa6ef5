using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using WechatLoyalty.Api.Tests.Infrastructure;
using WechatLoyalty.Domain.Members;
using WechatLoyalty.Domain.Payments;
using WechatLoyalty.Domain.Points;

namespace WechatLoyalty.Api.Tests.Payments;

/// <summary>POST /wechat/pay/notify: exactly once, verify before anything, business checks, one transaction.</summary>
public class PayNotificationTests(LoyaltyApiFactory factory) : IClassFixture<LoyaltyApiFactory>
{
    [Fact]
    public async Task Pay_CreditsPointsOnOrder_WhenSimulatorDeliversNotification()
    {
        var customer = await Shop.CustomerAsync(factory);
        var outTradeNo = await Shop.OrderAsync(customer.Client, 26_850);

        var paid = await Shop.PayAsync(factory, outTradeNo);
        await Shop.EventuallyAsync(() => Shop.PaymentRecordedAsync(factory, paid.TransactionId));

        var order = await customer.Client.GetFromJsonAsync<JsonElement>($"/api/orders/{outTradeNo}");
        Assert.Equal("Paid", order.GetProperty("status").GetString());
        Assert.Equal(268, order.GetProperty("pointsEarned").GetInt64());
        var member = await Shop.MemberAsync(factory, customer.MemberId!.Value);
        Assert.Equal(268, member.PointsBalance);
        var history = await customer.Client.GetFromJsonAsync<JsonElement>("/api/members/me/points");
        var entry = history.GetProperty("items")[0];
        Assert.Equal("Earn", entry.GetProperty("kind").GetString());
        Assert.Contains(outTradeNo, entry.GetProperty("reason").GetString());
    }

    [Fact]
    public async Task Notify_CreditsExactlyOnce_WhenSameNotificationArrives50TimesConcurrently()
    {
        var customer = await Shop.CustomerAsync(factory);
        var outTradeNo = await Shop.OrderAsync(customer.Client, 10_000);
        // The simulator delivers its own copy too: 51 deliveries of one transaction, racing.
        var paid = await Shop.PayAsync(factory, outTradeNo);
        var resource = SignedNotifications.Transaction(factory, paid);

        var responses = await Task.WhenAll(Enumerable.Range(0, 50).Select(async _ =>
        {
            using var client = factory.CreateClient();
            using var request = SignedNotifications.Request(factory, "TRANSACTION.SUCCESS", resource);
            return (await client.SendAsync(request)).StatusCode;
        }));

        Assert.All(responses, status => Assert.Equal(HttpStatusCode.NoContent, status));
        var memberId = customer.MemberId!.Value;
        Assert.Equal(1, await factory.WithDbAsync(db => db.Payments.CountAsync(p => p.TransactionId == paid.TransactionId)));
        Assert.Equal(1, await factory.WithDbAsync(db => db.PointEntries.CountAsync(e => e.MemberId == memberId && e.Kind == PointEntryKind.Earn)));
        Assert.Equal(100, (await Shop.MemberAsync(factory, memberId)).PointsBalance);
    }

    [Theory]
    [InlineData(Forgery.ForeignKey)]
    [InlineData(Forgery.StaleTimestamp)]
    [InlineData(Forgery.UnknownSerial)]
    [InlineData(Forgery.TamperedCiphertext)]
    public async Task Notify_Is401AndWritesNothing_WhenNotificationDoesNotVerify(Forgery forgery)
    {
        var customer = await Shop.CustomerAsync(factory);
        var outTradeNo = await Shop.OrderAsync(customer.Client, 5_000);
        var fake = new SimPayment(outTradeNo, "4200000000" + Random.Shared.NextInt64(1_000_000_000, 9_999_999_999), 5_000, 5_000, customer.User.MiniOpenId);
        var before = await Shop.RowCountsAsync(factory);

        using var client = factory.CreateClient();
        var response = await client.SendAsync(SignedNotifications.Request(factory, "TRANSACTION.SUCCESS", SignedNotifications.Transaction(factory, fake), forgery));

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Equal("FAIL", (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("code").GetString());
        Assert.Equal(before, await Shop.RowCountsAsync(factory));
        Assert.False(await Shop.PaymentRecordedAsync(factory, fake.TransactionId));
    }

    [Fact]
    public async Task Notify_Is400AndWritesNothing_WhenAmountDiffersFromOrder()
    {
        var customer = await Shop.CustomerAsync(factory);
        var outTradeNo = await Shop.OrderAsync(customer.Client, 5_000);
        var fake = new SimPayment(outTradeNo, "4200000001" + Random.Shared.NextInt64(1_000_000_000, 9_999_999_999), 1, 1, customer.User.MiniOpenId);
        var before = await Shop.RowCountsAsync(factory);

        using var client = factory.CreateClient();
        var response = await client.SendAsync(SignedNotifications.Request(factory, "TRANSACTION.SUCCESS", SignedNotifications.Transaction(factory, fake)));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("FAIL", (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("code").GetString());
        Assert.Equal(before, await Shop.RowCountsAsync(factory));
    }

    [Fact]
    public async Task Notify_Is400AndWritesNothing_WhenMerchantIsNotOurs()
    {
        var customer = await Shop.CustomerAsync(factory);
        var outTradeNo = await Shop.OrderAsync(customer.Client, 5_000);
        var fake = new SimPayment(outTradeNo, "4200000002" + Random.Shared.NextInt64(1_000_000_000, 9_999_999_999), 5_000, 5_000, customer.User.MiniOpenId);
        var before = await Shop.RowCountsAsync(factory);

        using var client = factory.CreateClient();
        var response = await client.SendAsync(SignedNotifications.Request(factory, "TRANSACTION.SUCCESS",
            SignedNotifications.Transaction(factory, fake, mchId: "1900009999")));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal(before, await Shop.RowCountsAsync(factory));
    }

    [Fact]
    public async Task Notify_Is400_WhenOrderIsNotOurs()
    {
        var customer = await Shop.CustomerAsync(factory);
        var fake = new SimPayment("LPNOSUCHORDER0001", "4200000003" + Random.Shared.NextInt64(1_000_000_000, 9_999_999_999), 5_000, 5_000, customer.User.MiniOpenId);

        using var client = factory.CreateClient();
        var response = await client.SendAsync(SignedNotifications.Request(factory, "TRANSACTION.SUCCESS", SignedNotifications.Transaction(factory, fake)));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.False(await Shop.PaymentRecordedAsync(factory, fake.TransactionId));
    }

    [Fact]
    public async Task Notify_RecordsPayment_WhenItArrivesBeforeOrderIsMarkedPrepaid()
    {
        var customer = await Shop.CustomerAsync(factory);
        var outTradeNo = await Shop.OrderAsync(customer.Client, 8_000);
        // As if the prepay answer were still on its way back when WeChat already notified.
        await factory.WithDbAsync(db => db.Orders.Where(o => o.OutTradeNo == outTradeNo)
            .ExecuteUpdateAsync(s => s.SetProperty(o => o.Status, OrderStatus.Created)));

        var paid = await Shop.PayAsync(factory, outTradeNo);
        await Shop.EventuallyAsync(() => Shop.PaymentRecordedAsync(factory, paid.TransactionId));
        await using (var scope = factory.Services.CreateAsyncScope())
            await scope.ServiceProvider.GetRequiredService<OrderService>().MarkPrepaidAsync(outTradeNo, "wx-late-prepay", default);

        var order = await factory.WithDbAsync(db => db.Orders.AsNoTracking().SingleAsync(o => o.OutTradeNo == outTradeNo));
        Assert.Equal(OrderStatus.Paid, order.Status);
        Assert.Equal(paid.TransactionId, order.TransactionId);
        Assert.Equal(80, (await Shop.MemberAsync(factory, customer.MemberId!.Value)).PointsBalance);
    }

    [Fact]
    public async Task Pay_UpgradesTierInSameTransaction_WhenPaymentCrossesThreshold()
    {
        var customer = await Shop.CustomerAsync(factory);
        var first = await Shop.OrderAsync(customer.Client, 299_999);
        var paidFirst = await Shop.PayAsync(factory, first);
        await Shop.EventuallyAsync(() => Shop.PaymentRecordedAsync(factory, paidFirst.TransactionId));
        var memberId = customer.MemberId!.Value;
        Assert.Equal("ordinary", (await Shop.MemberAsync(factory, memberId)).TierCode);

        var second = await Shop.OrderAsync(customer.Client, 1);
        var paidSecond = await Shop.PayAsync(factory, second);
        await Shop.EventuallyAsync(() => Shop.PaymentRecordedAsync(factory, paidSecond.TransactionId));

        Assert.Equal("silver", (await Shop.MemberAsync(factory, memberId)).TierCode);
        var change = await factory.WithDbAsync(db => db.TierChanges.AsNoTracking().SingleAsync(c => c.MemberId == memberId && c.Reason == TierChangeReason.Payment));
        Assert.Equal(("ordinary", "silver", 300_000L), (change.FromTier, change.ToTier, change.NetSpendFen));
    }
}
