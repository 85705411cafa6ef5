using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using WechatLoyalty.Api.Tests.Infrastructure;
using WechatLoyalty.Domain.Admin;
using WechatLoyalty.Domain.Payments;
using WechatLoyalty.Domain.Stores;

namespace WechatLoyalty.Api.Tests.Payments;

/// <summary>POST /api/pos/purchases: member code + transaction id; the amount from WeChat Pay's query only.</summary>
public class PosPurchaseTests(LoyaltyApiFactory factory) : IClassFixture<LoyaltyApiFactory>
{
    [Fact]
    public async Task Record_CreditsMemberForQueriedAmount_AndRepeatAnswersTheSame()
    {
        var (clerk, storeId) = await ClerkAsync();
        var customer = await Shop.CustomerAsync(factory);
        var paid = await Shop.PayInStoreAsync(factory, customer.User, 45_678);
        var code = await MemberCodeAsync(customer);

        var first = await clerk.PostAsJsonAsync("/api/pos/purchases", new { memberCode = code, transactionId = paid.TransactionId });
        var again = await clerk.PostAsJsonAsync("/api/pos/purchases", new { memberCode = code, transactionId = paid.TransactionId });

        Assert.Equal(HttpStatusCode.OK, first.StatusCode);
        var body = await first.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal(45_678, body.GetProperty("totalFen").GetInt64());
        Assert.Equal(456, body.GetProperty("pointsEarned").GetInt64());
        Assert.Equal(body.ToString(), (await again.Content.ReadFromJsonAsync<JsonElement>()).ToString());
        var payment = await factory.WithDbAsync(db => db.Payments.AsNoTracking().SingleAsync(p => p.TransactionId == paid.TransactionId));
        Assert.Equal((PaymentChannel.InStore, storeId, customer.MemberId), (payment.Channel, payment.StoreId, payment.MemberId));
        Assert.Equal(456, (await Shop.MemberAsync(factory, customer.MemberId!.Value)).PointsBalance);
    }

    [Fact]
    public async Task Record_Is400AndWritesNothing_WhenMemberCodeForged()
    {
        var (clerk, _) = await ClerkAsync();
        var customer = await Shop.CustomerAsync(factory);
        var paid = await Shop.PayInStoreAsync(factory, customer.User, 1_000);
        var code = await MemberCodeAsync(customer);
        var forged = code[..14] + (code[14] == '9' ? '0' : (char)(code[14] + 1)) + code[15..];

        var response = await clerk.PostAsJsonAsync("/api/pos/purchases", new { memberCode = forged, transactionId = paid.TransactionId });

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.False(await Shop.PaymentRecordedAsync(factory, paid.TransactionId));
    }

    [Fact]
    public async Task Record_Is404_WhenWechatPayKnowsNoSuchTransaction()
    {
        var (clerk, _) = await ClerkAsync();
        var customer = await Shop.CustomerAsync(factory);

        var response = await clerk.PostAsJsonAsync("/api/pos/purchases",
            new { memberCode = await MemberCodeAsync(customer), transactionId = "4200000000202601010000000001" });

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
    }

    [Fact]
    public async Task Record_Is403_ForMarketing()
    {
        var marketing = await ConsoleAccounts.SignedInClientAsync(factory, AdminRole.Marketing);
        var customer = await Shop.CustomerAsync(factory);
        var paid = await Shop.PayInStoreAsync(factory, customer.User, 1_000);

        var response = await marketing.PostAsJsonAsync("/api/pos/purchases", new { memberCode = await MemberCodeAsync(customer), transactionId = paid.TransactionId });

        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
    }

    private async Task<(HttpClient Clerk, long StoreId)> ClerkAsync()
    {
        var code = "P" + Random.Shared.Next(10_000, 99_999);
        var store = new Store { Code = code, Name = "POS test " + code, City = "Shanghai", CreatedAt = DateTime.UtcNow };
        await factory.WithDbAsync(async db => { db.Stores.Add(store); await db.SaveChangesAsync(); });
        return (await ConsoleAccounts.SignedInClientAsync(factory, AdminRole.Clerk, store.Id), store.Id);
    }

    private static async Task<string> MemberCodeAsync(Customer customer) =>
        (await customer.Client.GetFromJsonAsync<JsonElement>("/api/members/me/code")).GetProperty("code").GetString()!;
}
