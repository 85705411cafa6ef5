using System.Net;
using Microsoft.EntityFrameworkCore;
using WechatLoyalty.Api.Tests.Infrastructure;
using WechatLoyalty.Domain.Members;

namespace WechatLoyalty.Api.Tests.Members;

/// <summary>The simulator pushes encrypted OA events to our callback over HTTP; follows link to the member by UnionID.</summary>
public class OfficialAccountFollowTests(LoyaltyApiFactory factory) : IClassFixture<LoyaltyApiFactory>
{
    [Fact]
    public async Task Follow_LinksOaOpenIdToMember_ByUnionId()
    {
        var user = await WechatUsers.CreateAsync(factory);
        var session = await WechatUsers.LoginAsync(factory, user);
        await WechatUsers.RegisterAsync(session.Client);

        await WechatUsers.SimPostAsync(factory, $"/sim/users/{user.UnionId}/follow");
        await ProcessedAsync(user, 1);

        var identity = await OaIdentityAsync(user);
        var memberId = await factory.WithDbAsync(db => db.Members.Where(m => m.UnionId == user.UnionId).Select(m => m.Id).SingleAsync());
        Assert.Equal(memberId, identity.MemberId);
        Assert.True(identity.Follows);
        Assert.Equal(user.UnionId, identity.UnionId);
    }

    [Fact]
    public async Task FollowBeforeJoining_IsLinked_WhenThePersonRegistersLater()
    {
        var user = await WechatUsers.CreateAsync(factory);
        await WechatUsers.SimPostAsync(factory, $"/sim/users/{user.UnionId}/follow");
        await ProcessedAsync(user, 1);
        Assert.Null((await OaIdentityAsync(user)).MemberId);

        var session = await WechatUsers.LoginAsync(factory, user);
        await WechatUsers.RegisterAsync(session.Client);
        // The next OA event (or login) of that identity links it; a re-follow shows it.
        await WechatUsers.SimPostAsync(factory, $"/sim/users/{user.UnionId}/unfollow");
        await ProcessedAsync(user, 2);

        var identity = await OaIdentityAsync(user);
        Assert.NotNull(identity.MemberId);
        Assert.False(identity.Follows);
    }

    [Fact]
    public async Task Unfollow_IsRecorded()
    {
        var user = await WechatUsers.CreateAsync(factory);
        await WechatUsers.SimPostAsync(factory, $"/sim/users/{user.UnionId}/follow");
        await ProcessedAsync(user, 1);

        await WechatUsers.SimPostAsync(factory, $"/sim/users/{user.UnionId}/unfollow");
        await ProcessedAsync(user, 2);

        Assert.False((await OaIdentityAsync(user)).Follows);
    }

    [Fact]
    public async Task ForgedPush_Is401_AndChangesNothing()
    {
        var before = await factory.WithDbAsync(db => db.MemberIdentities.CountAsync());
        var body = "<xml><ToUserName><![CDATA[gh_x]]></ToUserName><FromUserName><![CDATA[o_forged]]></FromUserName>"
            + "<CreateTime>1735700000</CreateTime><MsgType><![CDATA[event]]></MsgType><Event><![CDATA[subscribe]]></Event></xml>";

        var response = await factory.CreateClient().PostAsync("/wechat/oa?signature=deadbeef&timestamp=1735700000&nonce=1&openid=o_forged",
            new StringContent(body, System.Text.Encoding.UTF8, "text/xml"));

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Equal(before, await factory.WithDbAsync(db => db.MemberIdentities.CountAsync()));
    }

    [Fact]
    public async Task UrlVerification_EchoesOnlyWhenSigned()
    {
        var token = factory.Simulator.Options.OfficialAccount.Token;
        var signature = WechatLoyalty.Wechat.OfficialAccount.OaSignature.Compute(token, "1735700000", "42");
        var client = factory.CreateClient();

        var good = await client.GetStringAsync($"/wechat/oa?signature={signature}&timestamp=1735700000&nonce=42&echostr=hello");
        var bad = await client.GetAsync("/wechat/oa?signature=0000&timestamp=1735700000&nonce=42&echostr=hello");

        Assert.Equal("hello", good);
        Assert.Equal(HttpStatusCode.Unauthorized, bad.StatusCode);
    }

    /// <summary>The callback answers first and acts right after; waits until the user's pushes are processed.</summary>
    private async Task ProcessedAsync(WechatUser user, int events)
    {
        var deadline = DateTime.UtcNow.AddSeconds(10);
        while (await factory.WithDbAsync(db => db.OaEvents.CountAsync(e => e.OpenId == user.OaOpenId && e.ProcessedAt != null)) < events)
        {
            Assert.True(DateTime.UtcNow < deadline, "The OA events were not processed in time.");
            await Task.Delay(50);
        }
    }

    private Task<MemberIdentity> OaIdentityAsync(WechatUser user) =>
        factory.WithDbAsync(db => db.MemberIdentities.AsNoTracking().SingleAsync(i => i.OpenId == user.OaOpenId));
}
