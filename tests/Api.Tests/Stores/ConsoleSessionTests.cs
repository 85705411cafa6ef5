using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using WechatLoyalty.Api.Tests.Infrastructure;
using WechatLoyalty.Domain.Admin;

namespace WechatLoyalty.Api.Tests.Stores;

public class ConsoleSessionTests(LoyaltyApiFactory factory) : IClassFixture<LoyaltyApiFactory>
{
    [Fact]
    public async Task SignIn_SetsCookie_ThatOpensSessionEndpoint()
    {
        var user = await ConsoleAccounts.CreateAsync(factory, "anna", AdminRole.Marketing);
        var client = factory.CreateClient();

        var signIn = await client.PostAsJsonAsync("/api/admin/session", new { user.UserName, ConsoleAccounts.Password });
        var me = await client.GetFromJsonAsync<JsonElement>("/api/admin/session");

        Assert.Equal(HttpStatusCode.OK, signIn.StatusCode);
        Assert.Contains(signIn.Headers.GetValues("Set-Cookie"), c => c.StartsWith("wl_console=", StringComparison.Ordinal) && c.Contains("httponly"));
        Assert.Equal("Marketing", me.GetProperty("role").GetString());
    }

    [Fact]
    public async Task SignIn_Is401ProblemDetails_WhenPasswordWrong()
    {
        var user = await ConsoleAccounts.CreateAsync(factory, "bob", AdminRole.Admin);

        var response = await factory.CreateClient().PostAsJsonAsync("/api/admin/session", new { user.UserName, Password = "wrong" });

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Equal("auth.failed", (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("code").GetString());
    }

    [Fact]
    public async Task SignIn_LocksAccount_AfterFiveFailures_EvenForCorrectPassword()
    {
        var user = await ConsoleAccounts.CreateAsync(factory, "carol", AdminRole.Admin);
        var client = factory.CreateClient();
        for (var i = 0; i < 5; i++)
            await client.PostAsJsonAsync("/api/admin/session", new { user.UserName, Password = "wrong" });

        var response = await client.PostAsJsonAsync("/api/admin/session", new { user.UserName, ConsoleAccounts.Password });

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Equal("auth.locked_out", (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("code").GetString());
        var locked = await factory.WithDbAsync(db => db.AdminUsers.Where(u => u.Id == user.Id).Select(u => u.LockedUntil).SingleAsync());
        Assert.True(locked > DateTime.UtcNow.AddMinutes(10));
    }

    [Fact]
    public async Task SignIn_Is401_ForUnknownUser_WithSameMessage()
    {
        var response = await factory.CreateClient().PostAsJsonAsync("/api/admin/session", new { UserName = "nobody", Password = "x" });

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Equal("auth.failed", (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("code").GetString());
    }

    [Fact]
    public async Task ConsoleEndpoints_Are401_WithoutCookie()
    {
        var response = await factory.CreateClient().GetAsync("/api/admin/stores");

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
    }

    [Fact]
    public async Task SignOut_EndsTheSession()
    {
        var client = await ConsoleAccounts.SignedInClientAsync(factory, AdminRole.Admin);

        await client.DeleteAsync("/api/admin/session");

        Assert.Equal(HttpStatusCode.Unauthorized, (await client.GetAsync("/api/admin/session")).StatusCode);
    }
}
