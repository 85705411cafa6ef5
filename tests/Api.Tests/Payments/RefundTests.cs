using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using WechatLoyalty.Api.Tests.Infrastructure;
using WechatLoyalty.Domain.Payments;
using WechatLoyalty.Domain.Points;

namespace WechatLoyalty.Api.Tests.Payments;

/// <summary>Admin refunds → WeChat Pay → REFUND.SUCCESS → proportional reversal (debt when spent), redeemed points back, never past the payment.</summary>
public class RefundTests(LoyaltyApiFactory factory) : IClassFixture<LoyaltyApiFactory>
{
    [Fact]
    public async Task Refund_ReversesPointsProportionally_WhenPartialRefundSucceeds()
    {
        var (customer, paid) = await PaidOrderAsync(10_000);
        var admin = await Shop.AdminAsync(factory);

        var response = await RefundAsync(admin, paid.OutTradeNo, 6_000);

        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        await Shop.EventuallyAsync(() => factory.WithDbAsync(db => db.Refunds.AnyAsync(r => r.PaymentId == PaymentId(db, paid) && r.Status == RefundStatus.Succeeded)));
        var member = await Shop.MemberAsync(factory, customer.MemberId!.Value);
        Assert.Equal(40, member.PointsBalance);
        var payment = await factory.WithDbAsync(db => db.Payments.AsNoTracking().SingleAsync(p => p.TransactionId == paid.TransactionId));
        Assert.Equal(6_000, payment.RefundedFen);
    }

    [Fact]
    public async Task Refund_Is409BeforeWechatIsAsked_WhenRefundsWouldExceedPayment()
    {
        var (_, paid) = await PaidOrderAsync(10_000);
        var admin = await Shop.AdminAsync(factory);
        Assert.Equal(HttpStatusCode.Accepted, (await RefundAsync(admin, paid.OutTradeNo, 6_000)).StatusCode);

        var second = await RefundAsync(admin, paid.OutTradeNo, 4_001);

        Assert.Equal(HttpStatusCode.Conflict, second.StatusCode);
        Assert.Single(factory.Simulator.State.Orders[paid.OutTradeNo].Refunds);
        Assert.Equal(1, await factory.WithDbAsync(db => db.Refunds.CountAsync(r => r.PaymentId == PaymentId(db, paid))));
        Assert.Equal(HttpStatusCode.Accepted, (await RefundAsync(admin, paid.OutTradeNo, 4_000)).StatusCode);
    }

    [Fact]
    public async Task Refund_LeavesDebt_WhenRefundedPointsWereSpent()
    {
        var (customer, paid) = await PaidOrderAsync(10_000);
        var admin = await Shop.AdminAsync(factory);
        var memberId = customer.MemberId!.Value;
        await Shop.AdjustAsync(admin, memberId, -100);

        await RefundAsync(admin, paid.OutTradeNo, 10_000);
        await Shop.EventuallyAsync(() => factory.WithDbAsync(db => db.Refunds.AnyAsync(r => r.PaymentId == PaymentId(db, paid) && r.Status == RefundStatus.Succeeded)));

        Assert.Equal(-100, (await Shop.MemberAsync(factory, memberId)).PointsBalance);
    }

    [Fact]
    public async Task Refund_IsAdminOnly()
    {
        var (_, paid) = await PaidOrderAsync(1_000);
        var marketing = await ConsoleAccounts.SignedInClientAsync(factory, Domain.Admin.AdminRole.Marketing);

        var response = await RefundAsync(marketing, paid.OutTradeNo, 100);

        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
    }

    [Fact]
    public async Task Refund_ReturnsRedeemedPointsAndReversesEarnedPoints_WhenOrderPaidPartlyWithPointsIsRefundedInFull()
    {
        var (customer, paid) = await RedemptionOrderPaidAsync();
        var memberId = customer.MemberId!.Value;
        Assert.Equal(150, (await Shop.MemberAsync(factory, memberId)).PointsBalance); // 500 redeemed, 150 earned on the 150 CNY charged
        var admin = await Shop.AdminAsync(factory);

        Assert.Equal(HttpStatusCode.Accepted, (await RefundAsync(admin, paid.OutTradeNo, 15_000)).StatusCode);
        await SucceededRefundsAsync(paid, 1);

        Assert.Equal(500, (await Shop.MemberAsync(factory, memberId)).PointsBalance);
        var entries = await EntriesAsync(memberId);
        Assert.Contains(entries, e => e.Kind == PointEntryKind.Refund && e.Delta == -150);
        Assert.Contains(entries, e => e.Kind == PointEntryKind.RedeemRelease && e.Delta == 500 && e.IdempotencyKey.StartsWith("refund-redeem:"));
        Assert.Equal(500, entries.Sum(e => e.Delta));
        var reservation = await factory.WithDbAsync(db => db.PointReservations.AsNoTracking().SingleAsync(r => r.OrderNo == paid.OutTradeNo));
        Assert.Equal(PointReservationStatus.Confirmed, reservation.Status);
        Assert.Equal(15_000, reservation.RefundedFen);
        // The redeemed points are back in the lot they came from, spendable again.
        var lots = await factory.WithDbAsync(db => db.PointLots.AsNoTracking().Where(l => l.MemberId == memberId).ToListAsync());
        Assert.Equal(500, lots.Single(l => l.Source == PointSource.Manual).Remaining);
        Assert.Equal(0, lots.Single(l => l.Source == PointSource.Purchase).Remaining);
    }

    [Fact]
    public async Task Refund_ReturnsRedeemedShareEachTime_WhenRedemptionOrderIsRefundedInParts()
    {
        var (customer, paid) = await RedemptionOrderPaidAsync();
        var memberId = customer.MemberId!.Value;
        var admin = await Shop.AdminAsync(factory);

        await RefundAsync(admin, paid.OutTradeNo, 6_000); // 40 %: 60 of the 150 earned go, 200 of the 500 redeemed come back
        await SucceededRefundsAsync(paid, 1);
        Assert.Equal(150 - 60 + 200, (await Shop.MemberAsync(factory, memberId)).PointsBalance);

        await RefundAsync(admin, paid.OutTradeNo, 9_000); // the rest
        await SucceededRefundsAsync(paid, 2);

        Assert.Equal(500, (await Shop.MemberAsync(factory, memberId)).PointsBalance);
        Assert.Equal(500, (await EntriesAsync(memberId)).Sum(e => e.Delta));
        Assert.Equal(HttpStatusCode.Conflict, (await RefundAsync(admin, paid.OutTradeNo, 1)).StatusCode);
    }

    [Fact]
    public async Task RefundNotification_Is503AndWritesNothing_WhenItArrivesBeforeThePayment_AndIsRecordedWhenRedelivered()
    {
        var customer = await Shop.CustomerAsync(factory);
        var memberId = customer.MemberId!.Value;
        var outTradeNo = await Shop.OrderAsync(customer.Client, 10_000);
        // Paid at WeChat, but its TRANSACTION.SUCCESS has not reached us yet (we deliver both notifications ourselves).
        var paid = new SimPayment(outTradeNo, "4200000000" + Random.Shared.NextInt64(1_000_000_000, 9_999_999_999), 10_000, 10_000, customer.User.MiniOpenId);
        var refund = RefundResource(paid, "50300" + Random.Shared.NextInt64(1_000_000_000, 9_999_999_999), 10_000);
        var before = await Shop.RowCountsAsync(factory);

        var early = await NotifyAsync("REFUND.SUCCESS", refund);

        Assert.Equal(HttpStatusCode.ServiceUnavailable, early.StatusCode); // WeChat delivers it again later
        Assert.Equal("FAIL", (await early.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("code").GetString());
        Assert.Equal(before, await Shop.RowCountsAsync(factory));
        Assert.Equal(0, await factory.WithDbAsync(db => db.Refunds.CountAsync(r => r.OutRefundNo == (string)refund["out_refund_no"]!)));

        Assert.Equal(HttpStatusCode.NoContent, (await NotifyAsync("TRANSACTION.SUCCESS", SignedNotifications.Transaction(factory, paid))).StatusCode);
        Assert.Equal(100, (await Shop.MemberAsync(factory, memberId)).PointsBalance);
        var redelivered = await NotifyAsync("REFUND.SUCCESS", refund);

        Assert.Equal(HttpStatusCode.NoContent, redelivered.StatusCode);
        Assert.Equal(0, (await Shop.MemberAsync(factory, memberId)).PointsBalance);
        var payment = await factory.WithDbAsync(db => db.Payments.AsNoTracking().SingleAsync(p => p.TransactionId == paid.TransactionId));
        Assert.Equal(10_000, payment.RefundedFen);
        Assert.Equal(HttpStatusCode.NoContent, (await NotifyAsync("REFUND.SUCCESS", refund)).StatusCode); // once only
        Assert.Equal(0, (await Shop.MemberAsync(factory, memberId)).PointsBalance);
    }

    [Fact]
    public async Task RefundNotification_Is400AndWritesNothing_WhenRefundsMadeAtWechatWouldExceedThePayment()
    {
        var (customer, paid) = await PaidOrderAsync(10_000);
        var memberId = customer.MemberId!.Value;
        // Refunds made in the merchant platform, not through us: only their notifications reach us.
        Assert.Equal(HttpStatusCode.NoContent, (await NotifyAsync("REFUND.SUCCESS", RefundResource(paid, "50300" + Random.Shared.NextInt64(1_000_000_000, 9_999_999_999), 6_000))).StatusCode);
        Assert.Equal(40, (await Shop.MemberAsync(factory, memberId)).PointsBalance);

        var over = await NotifyAsync("REFUND.SUCCESS", RefundResource(paid, "50300" + Random.Shared.NextInt64(1_000_000_000, 9_999_999_999), 4_001));

        Assert.Equal(HttpStatusCode.BadRequest, over.StatusCode);
        Assert.Equal(40, (await Shop.MemberAsync(factory, memberId)).PointsBalance);
        var payment = await factory.WithDbAsync(db => db.Payments.AsNoTracking().SingleAsync(p => p.TransactionId == paid.TransactionId));
        Assert.Equal(6_000, payment.RefundedFen);
        Assert.Equal(1, await factory.WithDbAsync(db => db.Refunds.CountAsync(r => r.PaymentId == payment.Id)));
    }

    /// <summary>A member with 500 points orders 200 CNY, redeems the 500 points (50 CNY off) and pays 150 CNY.</summary>
    private async Task<(Customer Customer, SimPayment Paid)> RedemptionOrderPaidAsync()
    {
        var customer = await Shop.CustomerAsync(factory);
        await Shop.AdjustAsync(await Shop.AdminAsync(factory), customer.MemberId!.Value, 500);
        var paid = await Shop.PayAsync(factory, await Shop.OrderAsync(customer.Client, 20_000, redeemPoints: 500));
        await Shop.EventuallyAsync(() => Shop.PaymentRecordedAsync(factory, paid.TransactionId));
        Assert.Equal(15_000, paid.Total);
        return (customer, paid);
    }

    private Task SucceededRefundsAsync(SimPayment paid, int count) =>
        Shop.EventuallyAsync(() => factory.WithDbAsync(async db =>
            await db.Refunds.CountAsync(r => r.PaymentId == PaymentId(db, paid) && r.Status == RefundStatus.Succeeded) == count));

    private Task<List<PointEntry>> EntriesAsync(long memberId) =>
        factory.WithDbAsync(db => db.PointEntries.AsNoTracking().Where(e => e.MemberId == memberId).ToListAsync());

    private async Task<HttpResponseMessage> NotifyAsync(string eventType, object resource)
    {
        using var client = factory.CreateClient();
        return await client.SendAsync(SignedNotifications.Request(factory, eventType, resource));
    }

    /// <summary>A REFUND.SUCCESS resource as WeChat Pay sends it (wechat-protocol C5), for a refund of <paramref name="refundFen"/>.</summary>
    private Dictionary<string, object?> RefundResource(SimPayment paid, string refundId, long refundFen) => new()
    {
        ["mchid"] = factory.Simulator.Options.Pay.MchId,
        ["out_trade_no"] = paid.OutTradeNo,
        ["transaction_id"] = paid.TransactionId,
        ["out_refund_no"] = "RFWX" + refundId,
        ["refund_id"] = refundId,
        ["refund_status"] = "SUCCESS",
        ["success_time"] = DateTimeOffset.UtcNow.ToOffset(TimeSpan.FromHours(8)).ToString("yyyy-MM-dd'T'HH:mm:sszzz", System.Globalization.CultureInfo.InvariantCulture),
        ["user_received_account"] = "支付用户零钱",
        ["amount"] = new Dictionary<string, object?> { ["total"] = paid.Total, ["refund"] = refundFen, ["payer_total"] = paid.PayerTotal, ["payer_refund"] = refundFen },
    };

    private async Task<(Customer Customer, SimPayment Paid)> PaidOrderAsync(long amountFen)
    {
        var customer = await Shop.CustomerAsync(factory);
        var paid = await Shop.PayAsync(factory, await Shop.OrderAsync(customer.Client, amountFen));
        await Shop.EventuallyAsync(() => Shop.PaymentRecordedAsync(factory, paid.TransactionId));
        return (customer, paid);
    }

    private static Task<HttpResponseMessage> RefundAsync(HttpClient admin, string outTradeNo, long amountFen) =>
        admin.PostAsJsonAsync($"/api/admin/orders/{outTradeNo}/refunds", new { amountFen, reason = "customer returned goods" });

    private static long PaymentId(Domain.Data.LoyaltyDbContext db, SimPayment paid) =>
        db.Payments.Where(p => p.TransactionId == paid.TransactionId).Select(p => p.Id).Single();
}
