using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using WechatLoyalty.Api.Tests.Infrastructure;
using WechatLoyalty.Domain.Members;
using WechatLoyalty.Domain.Stores;

namespace WechatLoyalty.Api.Tests.Members;

/// <summary>Scan a store QR → wx.login → login → register → member card, over real HTTP with the simulator.</summary>
public class JoinJourneyTests(LoyaltyApiFactory factory) : IClassFixture<LoyaltyApiFactory>
{
    [Fact]
    public async Task Join_RecordsStoreAndStaff_WhenScannedFromStaffQr()
    {
        var store = await CreateStoreAsync("JJ01", "U07");
        var user = await WechatUsers.CreateAsync(factory);

        var session = await WechatUsers.LoginAsync(factory, user);
        var registered = await WechatUsers.RegisterAsync(session.Client, "s=JJ01&u=U07");
        var card = await session.Client.GetFromJsonAsync<JsonElement>("/api/members/me");

        Assert.False(session.Registered);
        Assert.Equal(HttpStatusCode.Created, registered.StatusCode);
        Assert.Equal("JJ01", card.GetProperty("storeCode").GetString());
        Assert.Equal("ordinary", card.GetProperty("tier").GetProperty("code").GetString());
        Assert.Equal("silver", card.GetProperty("progress").GetProperty("nextTierCode").GetString());
        Assert.Equal("3000.00", card.GetProperty("progress").GetProperty("remainingYuan").GetString());
        var member = await factory.WithDbAsync(db => db.Members.Include(m => m.Identities).SingleAsync(m => m.UnionId == user.UnionId));
        Assert.Equal(JoinSource.StoreQr, member.JoinSource);
        Assert.Equal(store.Id, member.StoreId);
        Assert.Equal(store.Staff.Single().Id, member.StaffId);
        Assert.Equal(user.MiniOpenId, Assert.Single(member.Identities).OpenId);
        Assert.Equal(2, await factory.WithDbAsync(db => db.MemberConsents.CountAsync(c => c.MemberId == member.Id)));
    }

    [Fact]
    public async Task Login_SaysRegistered_OnSecondLogin()
    {
        var user = await WechatUsers.CreateAsync(factory);
        var first = await WechatUsers.LoginAsync(factory, user);
        await WechatUsers.RegisterAsync(first.Client);

        var second = await WechatUsers.LoginAsync(factory, user);

        Assert.True(second.Registered);
    }

    [Fact]
    public async Task Login_Is401ProblemDetails_WhenCodeReused()
    {
        var user = await WechatUsers.CreateAsync(factory);
        var code = await WechatUsers.LoginCodeAsync(factory, user);
        var client = factory.CreateClient();
        (await client.PostAsJsonAsync("/api/mp/login", new { code })).EnsureSuccessStatusCode();

        var again = await client.PostAsJsonAsync("/api/mp/login", new { code });

        Assert.Equal(HttpStatusCode.Unauthorized, again.StatusCode);
        Assert.Equal("wechat.code_invalid", (await again.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("code").GetString());
    }

    [Fact]
    public async Task Login_Is401_WhenCodeUnknown()
    {
        var response = await factory.CreateClient().PostAsJsonAsync("/api/mp/login", new { code = "never-issued" });

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
    }

    [Fact]
    public async Task Login_NeverReturnsSessionKey()
    {
        var user = await WechatUsers.CreateAsync(factory);
        var response = await factory.CreateClient().PostAsJsonAsync("/api/mp/login", new { code = await WechatUsers.LoginCodeAsync(factory, user) });

        var body = await response.Content.ReadAsStringAsync();

        Assert.DoesNotContain("session", body, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain(user.MiniOpenId, body);
    }

    [Fact]
    public async Task Register_CreatesOneMember_WhenTappedTenTimesAtOnce()
    {
        var user = await WechatUsers.CreateAsync(factory);
        var phoneA = await WechatUsers.LoginAsync(factory, user);
        var phoneB = await WechatUsers.LoginAsync(factory, user);

        var responses = await Task.WhenAll(Enumerable.Range(0, 10)
            .Select(i => WechatUsers.RegisterAsync((i % 2 == 0 ? phoneA : phoneB).Client, "s=NOPE")));

        Assert.All(responses, r => Assert.True(r.IsSuccessStatusCode, $"status {r.StatusCode}"));
        Assert.Single(responses, r => r.StatusCode == HttpStatusCode.Created);
        Assert.Equal(1, await factory.WithDbAsync(db => db.Members.CountAsync(m => m.UnionId == user.UnionId)));
    }

    [Fact]
    public async Task Register_Succeeds_WithoutAttribution_WhenStoreUnknown()
    {
        var user = await WechatUsers.CreateAsync(factory);
        var session = await WechatUsers.LoginAsync(factory, user);

        var response = await WechatUsers.RegisterAsync(session.Client, "s=GHOST&u=U01");

        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        var member = await factory.WithDbAsync(db => db.Members.SingleAsync(m => m.UnionId == user.UnionId));
        Assert.Null(member.StoreId);
        Assert.Equal(JoinSource.Organic, member.JoinSource);
    }

    [Fact]
    public async Task Register_AttributesReferrer_WhenSceneCarriesReferralCode()
    {
        var referrer = await WechatUsers.CreateAsync(factory);
        var referrerSession = await WechatUsers.LoginAsync(factory, referrer);
        await WechatUsers.RegisterAsync(referrerSession.Client);
        var code = (await referrerSession.Client.GetFromJsonAsync<JsonElement>("/api/members/me")).GetProperty("referralCode").GetString();
        var friend = await WechatUsers.CreateAsync(factory);
        var friendSession = await WechatUsers.LoginAsync(factory, friend);

        await WechatUsers.RegisterAsync(friendSession.Client, $"r={code}");

        var (referrerId, friendReferrer) = await factory.WithDbAsync(async db => (
            await db.Members.Where(m => m.UnionId == referrer.UnionId).Select(m => m.Id).SingleAsync(),
            await db.Members.Where(m => m.UnionId == friend.UnionId).Select(m => m.ReferrerId).SingleAsync()));
        Assert.Equal(referrerId, friendReferrer);
    }

    [Fact]
    public async Task MemberEndpoints_Are403_BeforeRegistration_And401_WithoutToken()
    {
        var session = await WechatUsers.LoginAsync(factory, await WechatUsers.CreateAsync(factory));

        var beforeRegistering = await session.Client.GetAsync("/api/members/me");
        var anonymous = await factory.CreateClient().GetAsync("/api/members/me");

        Assert.Equal(HttpStatusCode.Forbidden, beforeRegistering.StatusCode);
        Assert.Equal("member.not_registered", (await beforeRegistering.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("code").GetString());
        Assert.Equal(HttpStatusCode.Unauthorized, anonymous.StatusCode);
    }

    [Fact]
    public async Task MemberToken_NeverOpensConsoleEndpoints()
    {
        var session = await WechatUsers.LoginAsync(factory, await WechatUsers.CreateAsync(factory));
        await WechatUsers.RegisterAsync(session.Client);

        var response = await session.Client.GetAsync("/api/admin/stores");

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
    }

    [Fact]
    public async Task Refresh_RotatesToken_AndReuseEndsAllSessions()
    {
        var session = await WechatUsers.LoginAsync(factory, await WechatUsers.CreateAsync(factory));
        var client = factory.CreateClient();

        var first = await client.PostAsJsonAsync("/api/mp/token/refresh", new { session.RefreshToken });
        var rotated = (await first.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("refreshToken").GetString();
        var reuse = await client.PostAsJsonAsync("/api/mp/token/refresh", new { session.RefreshToken });
        var afterTheft = await client.PostAsJsonAsync("/api/mp/token/refresh", new { refreshToken = rotated });

        Assert.Equal(HttpStatusCode.OK, first.StatusCode);
        Assert.NotEqual(session.RefreshToken, rotated);
        Assert.Equal(HttpStatusCode.BadRequest, reuse.StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, afterTheft.StatusCode);
    }

    [Fact]
    public async Task DynamicCode_IsTwentyDigits_ThatExpireInAboutAMinute()
    {
        var session = await WechatUsers.LoginAsync(factory, await WechatUsers.CreateAsync(factory));
        await WechatUsers.RegisterAsync(session.Client);

        var code = await session.Client.GetFromJsonAsync<JsonElement>("/api/members/me/code");

        Assert.Matches("^[0-9]{20}$", code.GetProperty("code").GetString());
        var expires = code.GetProperty("expiresAt").GetDateTimeOffset();
        Assert.InRange(expires - DateTimeOffset.UtcNow, TimeSpan.FromSeconds(25), TimeSpan.FromSeconds(61));
    }

    private async Task<Store> CreateStoreAsync(string code, string staffCode)
    {
        var store = new Store { Code = code, Name = "Journey " + code, City = "上海", CreatedAt = DateTime.UtcNow };
        store.Staff.Add(new Staff { Code = staffCode, Name = "Clerk", CreatedAt = DateTime.UtcNow });
        await factory.WithDbAsync(async db => { db.Stores.Add(store); await db.SaveChangesAsync(); });
        return store;
    }
}
