using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;

namespace WechatLoyalty.Api.Tests.Infrastructure;

/// <summary>A person in the simulator's WeChat, and what the mini-program does for them against our API.</summary>
public sealed record WechatUser(string UnionId, string MiniOpenId, string OaOpenId, string Phone);

public sealed record MemberSession(HttpClient Client, string AccessToken, string RefreshToken, bool Registered);

internal static class WechatUsers
{
    public static async Task<WechatUser> CreateAsync(LoyaltyApiFactory factory, string? phone = null)
    {
        using var sim = new HttpClient { BaseAddress = factory.Simulator.BaseUri };
        var response = await sim.PostAsJsonAsync<object>("/sim/users", phone is null ? new { } : new { phone });
        response.EnsureSuccessStatusCode();
        var user = await response.Content.ReadFromJsonAsync<JsonElement>();
        return new WechatUser(user.GetProperty("unionid").GetString()!, user.GetProperty("mini_openid").GetString()!,
            user.GetProperty("oa_openid").GetString()!, user.GetProperty("phone").GetString()!);
    }

    /// <summary>wx.login in the simulator: a fresh single-use code.</summary>
    public static Task<string> LoginCodeAsync(LoyaltyApiFactory factory, WechatUser user) => SimCodeAsync(factory, user, "login");

    /// <summary>The getPhoneNumber button in the simulator: a single-use phone code.</summary>
    public static Task<string> PhoneCodeAsync(LoyaltyApiFactory factory, WechatUser user) => SimCodeAsync(factory, user, "phone-code");

    public static async Task SimPostAsync(LoyaltyApiFactory factory, string path)
    {
        using var sim = new HttpClient { BaseAddress = factory.Simulator.BaseUri };
        (await sim.PostAsJsonAsync(path, new { })).EnsureSuccessStatusCode();
    }

    /// <summary>wx.login + POST /api/mp/login: a client carrying the member's bearer token.</summary>
    public static async Task<MemberSession> LoginAsync(LoyaltyApiFactory factory, WechatUser user)
    {
        var client = factory.CreateClient();
        var response = await client.PostAsJsonAsync("/api/mp/login", new { code = await LoginCodeAsync(factory, user) });
        response.EnsureSuccessStatusCode();
        var body = await response.Content.ReadFromJsonAsync<JsonElement>();
        var token = body.GetProperty("accessToken").GetString()!;
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        return new MemberSession(client, token, body.GetProperty("refreshToken").GetString()!, body.GetProperty("registered").GetBoolean());
    }

    public static Task<HttpResponseMessage> RegisterAsync(HttpClient client, string? scene = null, object? birthday = null) =>
        client.PostAsJsonAsync("/api/members", new
        {
            termsVersion = "2026-01",
            privacyVersion = "2026-01",
            scene,
            nickname = "小明",
            birthday,
            gender = "Female",
        });

    private static async Task<string> SimCodeAsync(LoyaltyApiFactory factory, WechatUser user, string what)
    {
        using var sim = new HttpClient { BaseAddress = factory.Simulator.BaseUri };
        var response = await sim.PostAsJsonAsync($"/sim/users/{user.UnionId}/{what}", new { });
        response.EnsureSuccessStatusCode();
        return (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("code").GetString()!;
    }
}
