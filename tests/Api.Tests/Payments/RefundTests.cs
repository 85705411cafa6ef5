using System.Net;
using System.Net.Http.Json;
using Microsoft.EntityFrameworkCore;
using WechatLoyalty.Api.Tests.Infrastructure;
using WechatLoyalty.Domain.Payments;

namespace WechatLoyalty.Api.Tests.Payments;

/// <summary>Admin refunds → WeChat Pay → REFUND.SUCCESS → proportional reversal (debt when spent), never past the payment.</summary>
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
