using Microsoft.EntityFrameworkCore;
using WechatLoyalty.Api.Tests.Infrastructure;

namespace WechatLoyalty.Api.Tests.Payments;

/// <summary>Preset mall (seed 004): points ×1 for ordinary members, pending for the 7-day return window.</summary>
public sealed class MallFactory : LoyaltyApiFactory
{
    protected override IEnumerable<KeyValuePair<string, string?>> Settings => [new("Programme:Preset", "mall")];
}

public class PendingPointsTests(MallFactory factory) : IClassFixture<MallFactory>
{
    [Fact]
    public async Task Pay_HoldsPointsPendingForReturnWindow_WhenPresetIsMall()
    {
        var customer = await Shop.CustomerAsync(factory);
        var paid = await Shop.PayAsync(factory, await Shop.OrderAsync(customer.Client, 26_850));
        await Shop.EventuallyAsync(() => Shop.PaymentRecordedAsync(factory, paid.TransactionId));

        var memberId = customer.MemberId!.Value;
        var member = await Shop.MemberAsync(factory, memberId);
        Assert.Equal((0L, 268L), (member.PointsBalance, member.PendingPoints));
        var lot = await factory.WithDbAsync(db => db.PointLots.AsNoTracking().SingleAsync(l => l.MemberId == memberId));
        var payment = await factory.WithDbAsync(db => db.Payments.AsNoTracking().SingleAsync(p => p.TransactionId == paid.TransactionId));
        Assert.True(lot.IsPending);
        Assert.Equal(payment.PaidAt.AddDays(7), lot.PendingUntil!.Value, TimeSpan.FromSeconds(1));
        Assert.Equal(payment.Id, lot.PaymentId);
    }
}
