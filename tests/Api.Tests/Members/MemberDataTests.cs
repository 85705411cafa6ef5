using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using WechatLoyalty.Api.Tests.Infrastructure;

namespace WechatLoyalty.Api.Tests.Members;

/// <summary>Phone, profile and deletion: personal data is protected, masked, and really goes when asked.</summary>
public class MemberDataTests(LoyaltyApiFactory factory) : IClassFixture<LoyaltyApiFactory>
{
    [Fact]
    public async Task BindPhone_StoresCiphertextAndShowsOnlyMask()
    {
        var (user, session) = await RegisteredAsync("13912345678");

        var response = await session.Client.PostAsJsonAsync("/api/members/me/phone", new { code = await WechatUsers.PhoneCodeAsync(factory, user) });
        var card = await session.Client.GetStringAsync("/api/members/me");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("139****5678", (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("phoneMasked").GetString());
        Assert.Contains("139****5678", card);
        Assert.DoesNotContain("13912345678", card);
        var member = await factory.WithDbAsync(db => db.Members.SingleAsync(m => m.UnionId == user.UnionId));
        Assert.NotNull(member.PhoneCipher);
        Assert.Equal(-1, member.PhoneCipher.AsSpan().IndexOf(Encoding.UTF8.GetBytes("13912345678")));
        Assert.Equal(32, member.PhoneHash!.Length);
    }

    [Fact]
    public async Task BindPhone_Is409_WhenAnotherMemberHasTheNumber()
    {
        var (first, firstSession) = await RegisteredAsync("13700000001");
        await firstSession.Client.PostAsJsonAsync("/api/members/me/phone", new { code = await WechatUsers.PhoneCodeAsync(factory, first) });
        var (second, secondSession) = await RegisteredAsync("13700000001");

        var response = await secondSession.Client.PostAsJsonAsync("/api/members/me/phone", new { code = await WechatUsers.PhoneCodeAsync(factory, second) });

        Assert.Equal(HttpStatusCode.Conflict, response.StatusCode);
        Assert.Equal("phone.taken", (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("code").GetString());
    }

    [Fact]
    public async Task BindPhone_Is400_WhenPhoneCodeUsedTwice()
    {
        var (user, session) = await RegisteredAsync();
        var code = await WechatUsers.PhoneCodeAsync(factory, user);
        await session.Client.PostAsJsonAsync("/api/members/me/phone", new { code });

        var again = await session.Client.PostAsJsonAsync("/api/members/me/phone", new { code });

        Assert.Equal(HttpStatusCode.BadRequest, again.StatusCode);
    }

    [Fact]
    public async Task Birthday_ChangesOnceAYear_OnceSet()
    {
        var (_, session) = await RegisteredAsync();

        var set = await session.Client.PutAsJsonAsync("/api/members/me/profile", new { birthday = new { month = 2, day = 29 } });
        var change = await session.Client.PutAsJsonAsync("/api/members/me/profile", new { birthday = new { month = 3, day = 1 } });
        var nickname = await session.Client.PutAsJsonAsync("/api/members/me/profile", new { nickname = "阿花" });
        var card = await session.Client.GetFromJsonAsync<JsonElement>("/api/members/me");

        Assert.Equal(HttpStatusCode.NoContent, set.StatusCode);
        Assert.Equal(HttpStatusCode.Conflict, change.StatusCode);
        Assert.Equal("birthday.locked", (await change.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("code").GetString());
        Assert.Equal(HttpStatusCode.NoContent, nickname.StatusCode);
        Assert.Equal(29, card.GetProperty("birthday").GetProperty("day").GetInt32());
        Assert.Equal("阿花", card.GetProperty("nickname").GetString());
    }

    [Theory]
    [InlineData(2, 30)]
    [InlineData(13, 1)]
    [InlineData(0, 10)]
    public async Task Birthday_Is400_WhenNotARealDate(int month, int day)
    {
        var (_, session) = await RegisteredAsync();

        var response = await session.Client.PutAsJsonAsync("/api/members/me/profile", new { birthday = new { month, day } });

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
    }

    [Fact]
    public async Task Delete_ErasesPersonalData_AndLetsThePersonJoinAgain()
    {
        var (user, session) = await RegisteredAsync("13600000009");
        await session.Client.PostAsJsonAsync("/api/members/me/phone", new { code = await WechatUsers.PhoneCodeAsync(factory, user) });
        var memberId = await factory.WithDbAsync(db => db.Members.Where(m => m.UnionId == user.UnionId).Select(m => m.Id).SingleAsync());

        var deleted = await session.Client.DeleteAsync("/api/members/me");
        var afterwards = await session.Client.GetAsync("/api/members/me");
        var again = await WechatUsers.LoginAsync(factory, user);
        var rejoined = await WechatUsers.RegisterAsync(again.Client);

        Assert.Equal(HttpStatusCode.NoContent, deleted.StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, afterwards.StatusCode);
        var old = await factory.WithDbAsync(db => db.Members.SingleAsync(m => m.Id == memberId));
        Assert.Null(old.Nickname);
        Assert.Null(old.UnionId);
        Assert.Null(old.PhoneCipher);
        Assert.Null(old.PhoneHash);
        Assert.Null(old.PhoneMasked);
        Assert.Null(old.BirthMonth);
        Assert.NotNull(old.DeletedAt);
        Assert.False(again.Registered);
        Assert.Equal(HttpStatusCode.Created, rejoined.StatusCode);
        var newId = await factory.WithDbAsync(db => db.Members.Where(m => m.UnionId == user.UnionId).Select(m => m.Id).SingleAsync());
        Assert.NotEqual(memberId, newId);
    }

    private async Task<(WechatUser User, MemberSession Session)> RegisteredAsync(string? phone = null)
    {
        var user = await WechatUsers.CreateAsync(factory, phone);
        var session = await WechatUsers.LoginAsync(factory, user);
        (await WechatUsers.RegisterAsync(session.Client)).EnsureSuccessStatusCode();
        return (user, session);
    }
}
