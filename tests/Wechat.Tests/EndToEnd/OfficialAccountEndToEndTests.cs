using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using WechatLoyalty.Wechat.MiniProgram;
using WechatLoyalty.Wechat.OfficialAccount;

namespace WechatLoyalty.Wechat.Tests.EndToEnd;

/// <summary>Every OfficialAccountClient call, and the simulator's safe-mode pushes parsed by our receiver.</summary>
public sealed class OfficialAccountEndToEndTests(SimulatorBackendFixture fixture) : IClassFixture<SimulatorBackendFixture>
{
    private static readonly byte[] PngSignature = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A];

    private OfficialAccountClient Client => fixture.Backend.GetRequiredService<OfficialAccountClient>();

    [Fact]
    public async Task SendTemplateMessage_ReturnsMsgId_WhenUserFollows()
    {
        var user = await FollowerAsync();

        var msgId = await Client.SendTemplateMessageAsync(TemplateTo(user.OaOpenId));

        Assert.True(msgId > 0);
        lock (fixture.Sim.State.Gate)
        {
            var sent = fixture.Sim.State.Messages.Single(m => m.ToUser == user.OaOpenId && m.Kind == "template");
            Assert.Equal(msgId, sent.MsgId);
            Assert.Equal(0, sent.ErrCode);
        }

        // The job result arrives later as a safe-mode push that our parser reads.
        var finished = await fixture.Receiver.WaitForOaPushesAsync(p => p.Message is OaTemplateSendJobFinishEvent e && e.FromUserName == user.OaOpenId);
        var job = Assert.IsType<OaTemplateSendJobFinishEvent>(Assert.Single(finished).Message);
        Assert.Equal(msgId.ToString(System.Globalization.CultureInfo.InvariantCulture), job.MsgId);
        Assert.True(job.Succeeded);
    }

    [Fact]
    public async Task SendTemplateMessage_Throws43004_WhenUserDoesNotFollow()
    {
        var user = await fixture.CreateUserAsync();

        var ex = await Assert.ThrowsAsync<WechatApiException>(() => Client.SendTemplateMessageAsync(TemplateTo(user.OaOpenId)));

        Assert.Equal(43004, ex.ErrCode);
        Assert.Equal(WechatErrorKind.NotFollower, ex.Kind);
        Assert.Equal("cgi-bin/message/template/send", ex.Api);
    }

    [Fact]
    public async Task CreateQrCode_ReturnsExpiringTicketWhoseImageIsPng_WhenTemporary()
    {
        var qr = await Client.CreateQrCodeAsync(CgibinQrcodeCreateRequest.Temporary("store:ST001", TimeSpan.FromDays(7)));

        Assert.Equal(7 * 24 * 3600, qr.ExpireSeconds);
        Assert.StartsWith("http://weixin.qq.com/q/", qr.Url, StringComparison.Ordinal);
        await AssertPngAsync(Client.ShowQrCodeUrl(qr.Ticket));
        lock (fixture.Sim.State.Gate)
        {
            var ticket = fixture.Sim.State.QrTickets[qr.Ticket];
            Assert.Equal("QR_STR_SCENE", ticket.ActionName);
            Assert.Equal("store:ST001", ticket.SceneStr);
        }
    }

    [Fact]
    public async Task CreateQrCode_ReturnsTicketWithoutExpiryWhoseImageIsPng_WhenPermanent()
    {
        var qr = await Client.CreateQrCodeAsync(CgibinQrcodeCreateRequest.Permanent("store:ST002"));

        Assert.Null(qr.ExpireSeconds);
        Assert.NotEmpty(qr.Url);
        await AssertPngAsync(Client.ShowQrCodeUrl(qr.Ticket));
        lock (fixture.Sim.State.Gate)
        {
            var ticket = fixture.Sim.State.QrTickets[qr.Ticket];
            Assert.Equal("QR_LIMIT_STR_SCENE", ticket.ActionName);
            Assert.Equal("store:ST002", ticket.SceneStr);
            Assert.Null(ticket.ExpiresAt);
        }
    }

    [Fact]
    public async Task ShowQrCodeUrl_Answers404_WhenTicketIsUnknown()
    {
        using var http = new HttpClient();

        using var response = await http.GetAsync(Client.ShowQrCodeUrl("gQnot-a-ticket"));

        Assert.Equal(System.Net.HttpStatusCode.NotFound, response.StatusCode);
    }

    [Fact]
    public async Task GetUserInfo_ReturnsUnionIdAndQrScene_WhenUserFollowedByScanning()
    {
        var user = await fixture.CreateUserAsync();
        var qr = await Client.CreateQrCodeAsync(CgibinQrcodeCreateRequest.Temporary("store:ST003", TimeSpan.FromMinutes(10)));
        await fixture.SimPostAsync($"/sim/users/{user.UnionId}/scan", new { ticket = qr.Ticket });

        var info = await Client.GetUserInfoAsync(user.OaOpenId);

        Assert.True(info.IsFollower);
        Assert.Equal(user.OaOpenId, info.Openid);
        Assert.Equal(user.UnionId, info.Unionid);
        Assert.Equal("ADD_SCENE_QR_CODE", info.SubscribeScene);
        Assert.Equal("store:ST003", info.QrSceneStr);
        Assert.True(info.SubscribeTime > 0);
    }

    [Fact]
    public async Task GetUserInfo_ReturnsNotFollowerWithUnionId_WhenUserNeverFollowed()
    {
        var user = await fixture.CreateUserAsync();

        var info = await Client.GetUserInfoAsync(user.OaOpenId);

        Assert.False(info.IsFollower);
        Assert.Equal(user.UnionId, info.Unionid);
    }

    [Fact]
    public async Task GetUserInfo_Throws40003_WhenOpenIdIsOfTheMiniProgram()
    {
        var user = await fixture.CreateUserAsync();

        var ex = await Assert.ThrowsAsync<WechatApiException>(() => Client.GetUserInfoAsync(user.MiniOpenId));

        Assert.Equal(40003, ex.ErrCode);
    }

    [Fact]
    public async Task SafeModePush_ParsesAsSubscribeWithOpenIdAndScene_WhenUserScansOurQrCode()
    {
        var user = await fixture.CreateUserAsync();
        var qr = await Client.CreateQrCodeAsync(CgibinQrcodeCreateRequest.Temporary("store:ST004", TimeSpan.FromMinutes(10)));

        var push = await fixture.SimPostAsync($"/sim/users/{user.UnionId}/scan", new { ticket = qr.Ticket });

        var received = Assert.Single(fixture.Receiver.OaPushes, p => p.Query.GetValueOrDefault("openid") == user.OaOpenId);
        Assert.Null(received.Error);
        Assert.Equal("aes", received.Query["encrypt_type"]);
        Assert.DoesNotContain(user.OaOpenId, received.Body, StringComparison.Ordinal); // encrypted on the wire
        var subscribe = Assert.IsType<OaSubscribeEvent>(received.Message);
        Assert.True(subscribe.WasEncrypted);
        Assert.Equal(user.OaOpenId, subscribe.FromUserName);
        Assert.Equal(fixture.Sim.Options.OfficialAccount.OriginalId, subscribe.ToUserName);
        Assert.Equal("store:ST004", subscribe.Scene);
        Assert.Equal(qr.Ticket, subscribe.Ticket);
        // WeChat accepted our "success" answer on the first attempt.
        Assert.Equal("delivered", push.GetProperty("status").GetString());
        Assert.Equal(JsonValueKind.Null, push.GetProperty("reply_error").ValueKind);
        Assert.Equal(1, push.GetProperty("attempts").GetArrayLength());
    }

    [Fact]
    public async Task SafeModePush_ParsesAsPlainSubscribeThenScan_WhenUserFollowsThenScans()
    {
        var user = await fixture.CreateUserAsync();
        var qr = await Client.CreateQrCodeAsync(CgibinQrcodeCreateRequest.Permanent("store:ST005"));

        await fixture.SimPostAsync($"/sim/users/{user.UnionId}/follow");
        await fixture.SimPostAsync($"/sim/users/{user.UnionId}/scan", new { ticket = qr.Ticket });
        await fixture.SimPostAsync($"/sim/users/{user.UnionId}/unfollow");

        var messages = fixture.Receiver.OaPushes.Where(p => p.Query.GetValueOrDefault("openid") == user.OaOpenId).Select(p => p.Message).ToList();
        Assert.Equal(3, messages.Count);
        var follow = Assert.IsType<OaSubscribeEvent>(messages[0]);
        Assert.Null(follow.Scene);
        var scan = Assert.IsType<OaScanEvent>(messages[1]);
        Assert.Equal("store:ST005", scan.Scene);
        Assert.Equal(qr.Ticket, scan.Ticket);
        var unfollow = Assert.IsType<OaUnsubscribeEvent>(messages[2]);
        Assert.Equal(user.OaOpenId, unfollow.FromUserName);
    }

    private CgibinMessageTemplateSendRequest TemplateTo(string openId) => new()
    {
        Touser = openId,
        TemplateId = "TPL-points-changed",
        Miniprogram = new CgibinMessageTemplateSendRequest.TemplateMiniProgram(fixture.MiniAppId, "pages/points/index"),
        Data = new() { ["thing1"] = new TemplateDataValue("积分变动"), ["amount2"] = new TemplateDataValue("128") },
    };

    private async Task<TestUser> FollowerAsync()
    {
        var user = await fixture.CreateUserAsync();
        await fixture.SimPostAsync($"/sim/users/{user.UnionId}/follow");
        return user;
    }

    private static async Task AssertPngAsync(Uri url)
    {
        // showqrcode needs no token: any HTTP client fetches it, as a browser would.
        using var http = new HttpClient();
        using var response = await http.GetAsync(url);
        Assert.True(response.IsSuccessStatusCode, $"GET {url} → {(int)response.StatusCode}");
        Assert.Equal("image/png", response.Content.Headers.ContentType?.MediaType);
        var bytes = await response.Content.ReadAsByteArrayAsync();
        Assert.Equal(PngSignature, bytes[..8]);
    }
}
