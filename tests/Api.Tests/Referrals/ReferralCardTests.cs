using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using WechatLoyalty.Api.Tests.Infrastructure;
using WechatLoyalty.Domain.Admin;
using static WechatLoyalty.Api.Tests.Referrals.ReferralSteps;

namespace WechatLoyalty.Api.Tests.Referrals;

/// <summary>The share card, the poster (a real QR whose scene carries the code), card-open validation and who sees the reports.</summary>
public class ReferralCardTests(LoyaltyApiFactory factory) : IClassFixture<LoyaltyApiFactory>
{
    [Fact]
    public async Task Poster_IsAPngWhoseQrSceneCarriesTheCode_AndIsCached()
    {
        var (referrer, code) = await ReferrerAsync(factory);

        var response = await referrer.Client.GetAsync("/api/members/me/referral-card/poster.png");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("image/png", response.Content.Headers.ContentType?.MediaType);
        var png = await response.Content.ReadAsByteArrayAsync();
        Assert.Equal([0x89, (byte)'P', (byte)'N', (byte)'G'], png[..4]);
        var content = await DecodeQrAsync(png);
        Assert.Contains($"scene=r={code}&", content);
        Assert.Contains("page=pages/join/index", content);

        var made = factory.Simulator.State.WxaCodesGenerated;
        var again = await referrer.Client.GetByteArrayAsync("/api/members/me/referral-card/poster.png");
        Assert.Equal(png, again);
        Assert.Equal(made, factory.Simulator.State.WxaCodesGenerated);
    }

    [Fact]
    public async Task Card_GivesTitlePathAndPoster()
    {
        var (referrer, code) = await ReferrerAsync(factory);

        var card = await referrer.Client.GetFromJsonAsync<JsonElement>("/api/members/me/referral-card");

        Assert.Equal(code, card.GetProperty("code").GetString());
        Assert.Matches("^[2-9A-HJ-NP-Z]{8}$", code);
        Assert.Equal($"/pages/join/index?ref={code}", card.GetProperty("path").GetString());
        Assert.Contains("小明", card.GetProperty("title").GetString());
        Assert.Equal("/api/members/me/referral-card/poster.png", card.GetProperty("posterUrl").GetString());
    }

    [Fact]
    public async Task Open_Is400AndRecordsNothing_WhenTheShareInfoIsNotTheCallersOwn()
    {
        var (_, code) = await ReferrerAsync(factory);
        var (friend, session) = await FriendAsync(factory);
        var (stranger, _) = await FriendAsync(factory);
        var foreign = await ShareInfoAsync(factory, stranger, "other-group");

        var wrongKey = await OpenAsync(session.Client, code, 1008, foreign);
        var halfSent = await session.Client.PostAsJsonAsync("/api/referrals/opens", new { code, scene = 1008, iv = foreign.Iv });
        var notBase64 = await OpenAsync(session.Client, code, 1008, foreign with { EncryptedData = "%%%" });

        Assert.Equal(HttpStatusCode.BadRequest, wrongKey.StatusCode);
        Assert.Equal("share_info.invalid", (await wrongKey.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("code").GetString());
        Assert.Equal(HttpStatusCode.BadRequest, halfSent.StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, notBase64.StatusCode);
        Assert.Equal(0, await OpensOfAsync(friend));
    }

    [Fact]
    public async Task Open_Is404ForAnUnknownCode_And400ForAMalformedOne()
    {
        var (friend, session) = await FriendAsync(factory);

        Assert.Equal(HttpStatusCode.NotFound, (await OpenAsync(session.Client, "ZZZZZZZZ")).StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, (await OpenAsync(session.Client, "no way!")).StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, (await OpenAsync(session.Client, "ABCDEFGH", scene: 12)).StatusCode);
        Assert.Equal(0, await OpensOfAsync(friend));
    }

    [Fact]
    public async Task Open_OfOwnCard_IsNotRecorded()
    {
        var (referrer, code) = await ReferrerAsync(factory);

        var response = await OpenAsync(referrer.Client, code);

        Assert.False((await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("recorded").GetBoolean());
        Assert.Equal(0, await factory.WithDbAsync(db => db.ReferralCardOpens.CountAsync(o => o.ReferrerMemberId == referrer.MemberId)));
    }

    [Fact]
    public async Task Reports_AreForMarketingAndAdmins()
    {
        var (member, _) = await ReferrerAsync(factory);
        var clerk = await ConsoleAccounts.SignedInClientAsync(factory, AdminRole.Clerk);
        var marketing = await ConsoleAccounts.SignedInClientAsync(factory, AdminRole.Marketing);

        Assert.Equal(HttpStatusCode.Unauthorized, (await member.Client.GetAsync("/api/admin/referrals/leaderboard")).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await clerk.GetAsync("/api/admin/referrals/conversion")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await marketing.GetAsync("/api/admin/referrals/conversion?by=store")).StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, (await marketing.GetAsync("/api/admin/referrals/conversion?by=planet")).StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, (await marketing.GetAsync("/api/admin/referrals/leaderboard?from=2026-02-01&to=2026-01-01")).StatusCode);
    }

    private Task<int> OpensOfAsync(WechatUser user) => factory.WithDbAsync(db =>
        db.ReferralCardOpens.CountAsync(o => db.MemberIdentities.Any(i => i.Id == o.OpenerIdentityId && i.UnionId == user.UnionId)));
}
