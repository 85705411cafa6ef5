using System.Net;
using Microsoft.EntityFrameworkCore;
using WechatLoyalty.Api.Tests.Infrastructure;

namespace WechatLoyalty.Api.Tests.Payments;

/// <summary>A WeChat user who pays before joining: the payment is recorded, its points claimed on joining within 30 days.</summary>
public class NonMemberClaimTests(LoyaltyApiFactory factory) : IClassFixture<LoyaltyApiFactory>
{
    [Fact]
    public async Task Register_CreditsEarlierPayments_WhenPayerJoinsWithinClaimWindow()
    {
        var customer = await Shop.CustomerAsync(factory, join: false);
        var paid = await Shop.PayAsync(factory, await Shop.OrderAsync(customer.Client, 9_900));
        await Shop.EventuallyAsync(() => Shop.PaymentRecordedAsync(factory, paid.TransactionId));
        var before = await factory.WithDbAsync(db => db.Payments.AsNoTracking().SingleAsync(p => p.TransactionId == paid.TransactionId));
        Assert.Null(before.MemberId);

        Assert.Equal(HttpStatusCode.Created, (await WechatUsers.RegisterAsync(customer.Client)).StatusCode);

        var payment = await factory.WithDbAsync(db => db.Payments.AsNoTracking().SingleAsync(p => p.TransactionId == paid.TransactionId));
        Assert.NotNull(payment.MemberId);
        Assert.Equal(99, payment.PointsEarned);
        Assert.Equal(99, (await Shop.MemberAsync(factory, payment.MemberId!.Value)).PointsBalance);
        // Registering again (the call is idempotent) claims nothing twice.
        await WechatUsers.RegisterAsync(customer.Client);
        Assert.Equal(99, (await Shop.MemberAsync(factory, payment.MemberId!.Value)).PointsBalance);
    }

    [Fact]
    public async Task Register_LeavesPaymentUnclaimed_WhenPaidMoreThan30DaysBefore()
    {
        var customer = await Shop.CustomerAsync(factory, join: false);
        var paid = await Shop.PayAsync(factory, await Shop.OrderAsync(customer.Client, 9_900));
        await Shop.EventuallyAsync(() => Shop.PaymentRecordedAsync(factory, paid.TransactionId));
        await factory.WithDbAsync(db => db.Payments.Where(p => p.TransactionId == paid.TransactionId)
            .ExecuteUpdateAsync(s => s.SetProperty(p => p.PaidAt, DateTime.UtcNow.AddDays(-31))));

        await WechatUsers.RegisterAsync(customer.Client);

        var payment = await factory.WithDbAsync(db => db.Payments.AsNoTracking().SingleAsync(p => p.TransactionId == paid.TransactionId));
        Assert.Null(payment.MemberId);
        var memberId = await factory.WithDbAsync(db => db.Members.Where(m => m.UnionId == customer.User.UnionId).Select(m => m.Id).SingleAsync());
        Assert.Equal(0, (await Shop.MemberAsync(factory, memberId)).PointsBalance);
    }

    [Fact]
    public async Task Create_Is403_WhenNonMemberRedeemsPoints()
    {
        var customer = await Shop.CustomerAsync(factory, join: false);

        var response = await Shop.PostOrderAsync(customer.Client, 20_000, 500);

        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
    }
}
