using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using WechatLoyalty.Api.Tests.Infrastructure;

namespace WechatLoyalty.Api.Tests.Demo;

/// <summary>The /demo pages: served only when demo mode asks for them, and their same-origin door to the simulator.</summary>
public class MemberJourneyDemoTests(MemberJourneyDemoTests.Factory factory) : IClassFixture<MemberJourneyDemoTests.Factory>
{
    public sealed class Factory : LoyaltyApiFactory
    {
        protected override IEnumerable<KeyValuePair<string, string?>> Settings => [new("Demo:MemberJourney:Enabled", "true")];
    }

    [Fact]
    public async Task Pages_AreServed_WithRedirectToTheSlashedPath_WhenEnabled()
    {
        using var client = new HttpClient(new HttpClientHandler { AllowAutoRedirect = false }) { BaseAddress = new Uri(factory.BaseUrl) };

        var redirect = await client.GetAsync("/demo?scene=s%3DSH001");
        var page = await client.GetAsync("/demo/");
        var script = await client.GetAsync("/demo/app.js");

        Assert.Equal(HttpStatusCode.Redirect, redirect.StatusCode);
        Assert.Equal("/demo/?scene=s%3DSH001", redirect.Headers.Location?.OriginalString);
        Assert.Equal(HttpStatusCode.OK, page.StatusCode);
        Assert.Contains("lang=\"zh-CN\"", await page.Content.ReadAsStringAsync());
        Assert.Equal("no-store", page.Headers.CacheControl?.ToString());
        Assert.Equal(HttpStatusCode.OK, script.StatusCode);
    }

    [Fact]
    public async Task SimulatorDoor_ForwardsOnlyToSimControls_AndStoresAreListed()
    {
        var client = factory.CreateClient();

        var created = await client.PostAsJsonAsync("/demo/sim/users", new { });
        var user = await created.Content.ReadFromJsonAsync<JsonElement>();
        var login = await client.PostAsJsonAsync($"/demo/sim/users/{user.GetProperty("unionid").GetString()}/login", new { });
        var stores = await client.GetFromJsonAsync<JsonElement[]>("/demo/api/stores");
        var put = await client.PutAsJsonAsync("/demo/sim/users", new { });

        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        Assert.Equal(HttpStatusCode.OK, login.StatusCode);
        Assert.False(string.IsNullOrEmpty((await login.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("code").GetString()));
        Assert.NotNull(stores);
        Assert.Equal(HttpStatusCode.MethodNotAllowed, put.StatusCode);
    }

    [Fact]
    public async Task Pages_AreNotServed_OutsideDemoMode()
    {
        // The plain factory is the "Testing" environment with no demo setting: what production looks like.
        var plain = new LoyaltyApiFactory();
        IAsyncLifetime lifetime = plain;
        await lifetime.InitializeAsync();
        try
        {
            var client = plain.CreateClient();

            Assert.Equal(HttpStatusCode.NotFound, (await client.GetAsync("/demo/")).StatusCode);
            Assert.Equal(HttpStatusCode.NotFound, (await client.PostAsJsonAsync("/demo/sim/users", new { })).StatusCode);
            Assert.Equal(HttpStatusCode.NotFound, (await client.GetAsync("/demo/api/stores")).StatusCode);
            Assert.Equal(HttpStatusCode.NotFound, (await client.PostAsync("/demo/api/referrals/release", null)).StatusCode);
        }
        finally
        {
            await lifetime.DisposeAsync();
        }
    }
}
