using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using WechatLoyalty.Api.Tests.Infrastructure;
using WechatLoyalty.Domain.Admin;

namespace WechatLoyalty.Api.Tests.Payments;

/// <summary>The member's ledger pages and the admin's audited adjustments.</summary>
public class PointsApiTests(LoyaltyApiFactory factory) : IClassFixture<LoyaltyApiFactory>
{
    [Fact]
    public async Task History_PagesNewestFirst_WithReasons()
    {
        var customer = await Shop.CustomerAsync(factory);
        var admin = await Shop.AdminAsync(factory);
        foreach (var points in new[] { 10, 20, 30 }) await Shop.AdjustAsync(admin, customer.MemberId!.Value, points);

        var first = await customer.Client.GetFromJsonAsync<JsonElement>("/api/members/me/points?size=2");
        var next = first.GetProperty("nextBefore").GetInt64();
        var second = await customer.Client.GetFromJsonAsync<JsonElement>($"/api/members/me/points?size=2&before={next}");

        Assert.Equal([30L, 20L], first.GetProperty("items").EnumerateArray().Select(i => i.GetProperty("delta").GetInt64()));
        Assert.Equal([10L], second.GetProperty("items").EnumerateArray().Select(i => i.GetProperty("delta").GetInt64()));
        Assert.Equal(JsonValueKind.Null, second.GetProperty("nextBefore").ValueKind);
        Assert.Equal("test setup", second.GetProperty("items")[0].GetProperty("reason").GetString());
    }

    [Fact]
    public async Task Adjust_RecordsActorAndIsIdempotent_WhenRequestRepeated()
    {
        var customer = await Shop.CustomerAsync(factory);
        var admin = await Shop.AdminAsync(factory);
        var request = new { points = 75, reason = "goodwill after late delivery", requestId = Guid.NewGuid() };
        var url = $"/api/admin/members/{customer.MemberId}/points/adjustments";

        var first = await admin.PostAsJsonAsync(url, request);
        var again = await admin.PostAsJsonAsync(url, request);

        Assert.Equal(HttpStatusCode.OK, first.StatusCode);
        Assert.True((await again.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("replayed").GetBoolean());
        Assert.Equal(75, (await Shop.MemberAsync(factory, customer.MemberId!.Value)).PointsBalance);
        var me = await admin.GetFromJsonAsync<JsonElement>("/api/admin/session");
        var entry = await factory.WithDbAsync(db => db.PointEntries.AsNoTracking().SingleAsync(e => e.MemberId == customer.MemberId));
        Assert.Equal(me.GetProperty("userName").GetString(), entry.Actor);
    }

    [Fact]
    public async Task Adjust_Is400_WhenReasonMissing()
    {
        var customer = await Shop.CustomerAsync(factory);
        var admin = await Shop.AdminAsync(factory);

        var response = await admin.PostAsJsonAsync($"/api/admin/members/{customer.MemberId}/points/adjustments",
            new { points = 10, reason = " ", requestId = Guid.NewGuid() });

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal(0, (await Shop.MemberAsync(factory, customer.MemberId!.Value)).PointsBalance);
    }

    [Fact]
    public async Task Adjust_Is403_ForStoreManager()
    {
        var customer = await Shop.CustomerAsync(factory);
        var manager = await ConsoleAccounts.SignedInClientAsync(factory, AdminRole.StoreManager);

        var response = await manager.PostAsJsonAsync($"/api/admin/members/{customer.MemberId}/points/adjustments",
            new { points = 10, reason = "nope", requestId = Guid.NewGuid() });

        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
    }
}
