using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using WechatLoyalty.Api.Tests.Infrastructure;
using WechatLoyalty.Api.Tests.Payments;
using WechatLoyalty.Domain.Admin;
using WechatLoyalty.Domain.Stores;

namespace WechatLoyalty.Api.Tests.Campaigns;

/// <summary>Double-points promotions applied to points earned from a real WeChat Pay notification (simulator → notify_url).</summary>
public class PointsPromotionTests(LoyaltyApiFactory factory) : IClassFixture<LoyaltyApiFactory>
{
    [Fact]
    public async Task PayNotification_EarnsThePromotionMultiplier_OnlyWhileItAppliesToThePayment()
    {
        using var marketing = await ConsoleAccounts.SignedInClientAsync(factory, AdminRole.Marketing);
        var today = await TodayAsync();
        var otherStore = await factory.WithDbAsync(async db =>
        {
            var store = new Store { Code = "PROMO9", Name = "Other", City = "杭州", CreatedAt = DateTime.UtcNow };
            db.Stores.Add(store);
            await db.SaveChangesAsync();
            return store.Id;
        });
        var customer = await Shop.CustomerAsync(factory);

        // Triple points at another store only: a mini-program order (no store) earns the plain 1×.
        await CreateAsync(marketing, new { name = "Store triple", startsOn = today, endsOn = today, storeIds = new[] { otherStore }, multiplier = 3 });
        Assert.Equal(268, await PayAsync(customer, 26_850));

        // Double points for everyone today: 268.50 CNY → 536 (ordinary 1×, not compounded: the larger multiplier).
        var doubleDay = await CreateAsync(marketing, new { name = "双倍积分日", startsOn = today, endsOn = today, multiplier = 2 });
        Assert.Equal(536, await PayAsync(customer, 26_850));

        // Cancelled: the next payment earns 1× again.
        Assert.Equal(HttpStatusCode.OK, (await marketing.PostAsync($"/api/admin/promotions/{doubleDay}/cancel", null)).StatusCode);
        Assert.Equal(100, await PayAsync(customer, 10_000));
        Assert.Equal(268 + 536 + 100, (await Shop.MemberAsync(factory, customer.MemberId!.Value)).PointsBalance);
    }

    [Theory]
    [InlineData("""{ "name": "x", "startsOn": "{today}", "endsOn": "{today}", "multiplier": 1 }""")]
    [InlineData("""{ "name": "x", "startsOn": "{today}", "endsOn": "{today}", "multiplier": 2, "days": 1 }""")]
    [InlineData("""{ "name": "x", "startsOn": "2020-01-01", "endsOn": "2020-01-02", "multiplier": 2 }""")]
    [InlineData("""{ "name": "x", "startsOn": "{today}", "endsOn": "{today}", "multiplier": 2, "tierCodes": ["platinum"] }""")]
    [InlineData("""{ "name": "x", "startsOn": "{today}", "endsOn": "{today}", "multiplier": 2, "storeIds": [987654] }""")]
    public async Task Create_Is400AndSavesNothing_WhenInvalid(string body)
    {
        using var marketing = await ConsoleAccounts.SignedInClientAsync(factory, AdminRole.Marketing);
        var before = await factory.WithDbAsync(db => db.PointsPromotions.CountAsync());

        var response = await marketing.PostAsync("/api/admin/promotions",
            new StringContent(body.Replace("{today}", await TodayAsync()), System.Text.Encoding.UTF8, "application/json"));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal(before, await factory.WithDbAsync(db => db.PointsPromotions.CountAsync()));
    }

    [Fact]
    public async Task Marketing_ManagesCampaignsAndPromotions_ButNotProgrammeSettings_AndStoreManagersNeither()
    {
        using var marketing = await ConsoleAccounts.SignedInClientAsync(factory, AdminRole.Marketing);
        using var manager = await ConsoleAccounts.SignedInClientAsync(factory, AdminRole.StoreManager, 1);

        var settings = await marketing.PostAsJsonAsync("/api/admin/programme/versions", new { preset = "mall", effectiveFrom = await TodayAsync() });
        var managerCampaigns = await manager.GetAsync("/api/admin/campaigns");
        var managerPromotion = await manager.PostAsJsonAsync("/api/admin/promotions", new { name = "x", startsOn = await TodayAsync(), endsOn = await TodayAsync(), multiplier = 2 });
        var anonymous = await factory.CreateClient().GetAsync("/api/admin/segments");

        Assert.Equal(HttpStatusCode.Forbidden, settings.StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await marketing.GetAsync("/api/admin/campaigns")).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, managerCampaigns.StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, managerPromotion.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, anonymous.StatusCode);
    }

    private Task<string> TodayAsync() =>
        Task.FromResult(DateOnly.FromDateTime(DateTimeOffset.UtcNow.ToOffset(TimeSpan.FromHours(8)).DateTime).ToString("yyyy-MM-dd"));

    private static async Task<long> CreateAsync(HttpClient marketing, object body)
    {
        var response = await marketing.PostAsJsonAsync("/api/admin/promotions", body);
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        return (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetInt64();
    }

    private async Task<long> PayAsync(Customer customer, long fen)
    {
        var outTradeNo = await Shop.OrderAsync(customer.Client, fen);
        var paid = await Shop.PayAsync(factory, outTradeNo);
        await Shop.EventuallyAsync(() => Shop.PaymentRecordedAsync(factory, paid.TransactionId));
        return await factory.WithDbAsync(db => db.Payments.Where(p => p.TransactionId == paid.TransactionId).Select(p => p.PointsEarned).SingleAsync());
    }
}
