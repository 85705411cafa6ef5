using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using WechatLoyalty.Api.Tests.Infrastructure;
using WechatLoyalty.Domain.Admin;
using WechatLoyalty.Domain.Members;

namespace WechatLoyalty.Api.Tests.Payments;

public sealed record Customer(WechatUser User, Infrastructure.MemberSession Session, long? MemberId)
{
    public HttpClient Client => Session.Client;
}

/// <summary>What the mini-program, the payer and the console do in the payment tests, over real HTTP.</summary>
internal static class Shop
{
    /// <summary>A WeChat user who logged in and (unless told otherwise) joined.</summary>
    public static async Task<Customer> CustomerAsync(LoyaltyApiFactory factory, bool join = true)
    {
        var user = await WechatUsers.CreateAsync(factory);
        var session = await WechatUsers.LoginAsync(factory, user);
        if (!join) return new Customer(user, session, null);
        (await WechatUsers.RegisterAsync(session.Client)).EnsureSuccessStatusCode();
        var memberId = await factory.WithDbAsync(db => db.Members.Where(m => m.UnionId == user.UnionId).Select(m => m.Id).SingleAsync());
        return new Customer(user, session, memberId);
    }

    public static Task<HttpResponseMessage> PostOrderAsync(HttpClient client, long amountFen, long? redeemPoints = null, string? storeCode = null) =>
        client.PostAsJsonAsync("/api/orders", new { amountFen, description = "Test purchase", redeemPoints, storeCode });

    /// <summary>Creates an order (201) and returns its out_trade_no.</summary>
    public static async Task<string> OrderAsync(HttpClient client, long amountFen, long? redeemPoints = null)
    {
        var response = await PostOrderAsync(client, amountFen, redeemPoints);
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        var body = await response.Content.ReadFromJsonAsync<JsonElement>();
        return body.GetProperty("order").GetProperty("outTradeNo").GetString()!;
    }

    /// <summary>The user pays in WeChat (the simulator then delivers TRANSACTION.SUCCESS to our notify_url).</summary>
    public static async Task<SimPayment> PayAsync(LoyaltyApiFactory factory, string outTradeNo, int? payerTotal = null)
    {
        using var sim = new HttpClient { BaseAddress = factory.Simulator.BaseUri };
        var response = await sim.PostAsJsonAsync($"/sim/pay/{outTradeNo}/pay", new { payer_total = payerTotal });
        response.EnsureSuccessStatusCode();
        var body = await response.Content.ReadFromJsonAsync<JsonElement>();
        return new SimPayment(outTradeNo, body.GetProperty("transaction_id").GetString()!, body.GetProperty("total").GetInt32(),
            body.GetProperty("payer_total").GetInt32(), body.GetProperty("payer_openid").GetString()!);
    }

    /// <summary>A POS payment at the simulator (no notification): its transaction id.</summary>
    public static async Task<SimPayment> PayInStoreAsync(LoyaltyApiFactory factory, WechatUser user, int total)
    {
        using var sim = new HttpClient { BaseAddress = factory.Simulator.BaseUri };
        var response = await sim.PostAsJsonAsync("/sim/pay/instore", new { user = user.UnionId, total });
        response.EnsureSuccessStatusCode();
        var body = await response.Content.ReadFromJsonAsync<JsonElement>();
        return new SimPayment(body.GetProperty("out_trade_no").GetString()!, body.GetProperty("transaction_id").GetString()!, total, total,
            body.GetProperty("payer_openid").GetString()!);
    }

    public static async Task<HttpClient> AdminAsync(LoyaltyApiFactory factory) =>
        await ConsoleAccounts.SignedInClientAsync(factory, AdminRole.Admin);

    /// <summary>Gives (or takes) points through the admin adjustment API.</summary>
    public static async Task AdjustAsync(HttpClient admin, long memberId, long points)
    {
        var response = await admin.PostAsJsonAsync($"/api/admin/members/{memberId}/points/adjustments",
            new { points, reason = "test setup", requestId = Guid.NewGuid() });
        response.EnsureSuccessStatusCode();
    }

    public static Task<Member> MemberAsync(LoyaltyApiFactory factory, long memberId) =>
        factory.WithDbAsync(db => db.Members.AsNoTracking().SingleAsync(m => m.Id == memberId));

    /// <summary>Polls until <paramref name="condition"/> holds: notifications arrive asynchronously.</summary>
    public static async Task EventuallyAsync(Func<Task<bool>> condition, int seconds = 20)
    {
        var until = DateTime.UtcNow.AddSeconds(seconds);
        while (!await condition())
        {
            if (DateTime.UtcNow > until) Assert.Fail("The condition did not become true in time.");
            await Task.Delay(50);
        }
    }

    public static Task<bool> PaymentRecordedAsync(LoyaltyApiFactory factory, string transactionId) =>
        factory.WithDbAsync(db => db.Payments.AnyAsync(p => p.TransactionId == transactionId));

    /// <summary>Rows that a payment notification could write, to prove a rejected one wrote none.</summary>
    public static Task<(int Payments, int Entries, int Lots, int Paid)> RowCountsAsync(LoyaltyApiFactory factory) =>
        factory.WithDbAsync(async db => (await db.Payments.CountAsync(), await db.PointEntries.CountAsync(), await db.PointLots.CountAsync(),
            await db.Orders.CountAsync(o => o.Status == Domain.Payments.OrderStatus.Paid)));
}

public sealed record SimPayment(string OutTradeNo, string TransactionId, int Total, int PayerTotal, string PayerOpenId);
