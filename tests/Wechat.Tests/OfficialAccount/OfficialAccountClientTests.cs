using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using WechatLoyalty.Wechat.MiniProgram;
using WechatLoyalty.Wechat.OfficialAccount;
using WechatLoyalty.Wechat.Tests.Support;

namespace WechatLoyalty.Wechat.Tests.OfficialAccount;

public sealed class OfficialAccountClientTests(RedisFixture redis) : IClassFixture<RedisFixture>, IDisposable
{
    private readonly TestKeys _keys = new();
    private readonly FakeWechatApi _api = new() { TokenLatency = TimeSpan.Zero };
    private ServiceProvider? _provider;

    [Fact]
    public async Task SendTemplateMessage_ReturnsMsgId_AndSendsClientMsgId()
    {
        JsonElement sent = default;
        _api.Business = (_, body) => { sent = JsonDocument.Parse(body).RootElement.Clone(); return StubHandler.Json("{\"errcode\":0,\"errmsg\":\"ok\",\"msgid\":200163836}"); };

        var msgId = await Client().SendTemplateMessageAsync(new CgibinMessageTemplateSendRequest
        {
            Touser = "o_oa", TemplateId = "TPL", ClientMsgId = "campaign42-user123",
            Miniprogram = new("wx0000000000000001", "pages/points/index"),
            Data = { ["thing1"] = new TemplateDataValue("Gold tier reached") },
        });

        Assert.Equal(200163836, msgId);
        Assert.Equal("campaign42-user123", sent.GetProperty("client_msg_id").GetString());
        Assert.Equal("pages/points/index", sent.GetProperty("miniprogram").GetProperty("pagepath").GetString());
        Assert.Equal("Gold tier reached", sent.GetProperty("data").GetProperty("thing1").GetProperty("value").GetString());
        Assert.False(sent.TryGetProperty("url", out _));
    }

    [Fact]
    public async Task SendTemplateMessage_ThrowsNotFollower_When43004()
    {
        _api.Business = (_, _) => StubHandler.Json("{\"errcode\":43004,\"errmsg\":\"require subscribe rid: 3\"}");

        var ex = await Assert.ThrowsAsync<WechatApiException>(() => Client().SendTemplateMessageAsync(new CgibinMessageTemplateSendRequest { Touser = "o", TemplateId = "T" }));

        Assert.Equal(WechatErrorKind.NotFollower, ex.Kind);
    }

    [Theory]
    [InlineData(true, "{\"expire_seconds\":2592000,\"action_name\":\"QR_STR_SCENE\",\"action_info\":{\"scene\":{\"scene_str\":\"store_001\"}}}")]
    [InlineData(false, "{\"action_name\":\"QR_LIMIT_STR_SCENE\",\"action_info\":{\"scene\":{\"scene_str\":\"store_001\"}}}")]
    public async Task CreateQrCode_NestsSceneInActionInfo(bool temporary, string expectedBody)
    {
        string? sent = null;
        _api.Business = (_, body) => { sent = System.Text.Encoding.UTF8.GetString(body); return StubHandler.Json("{\"ticket\":\"gQH47joAAAAAAAAAASxodHRw\",\"expire_seconds\":60,\"url\":\"http://weixin.qq.com/q/abc\"}"); };
        var request = temporary ? CgibinQrcodeCreateRequest.Temporary("store_001", TimeSpan.FromDays(30)) : CgibinQrcodeCreateRequest.Permanent("store_001");

        var result = await Client().CreateQrCodeAsync(request);

        Assert.Equal(expectedBody, sent);
        Assert.Equal("http://weixin.qq.com/q/abc", result.Url);
    }

    [Fact]
    public void Temporary_Throws_WhenExpiryOverThirtyDays()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => CgibinQrcodeCreateRequest.Temporary("s", TimeSpan.FromSeconds(2_592_001)));
    }

    [Fact]
    public void ShowQrCodeUrl_EscapesTicket()
    {
        Assert.Equal("https://mp.weixin.qq.com/cgi-bin/showqrcode?ticket=a%2Bb%3D%3D", Client().ShowQrCodeUrl("a+b==").AbsoluteUri);
    }

    [Fact]
    public async Task GetUserInfo_IsRetried_WhenSystemBusyOnGet()
    {
        var calls = 0;
        _api.Business = (_, _) => ++calls == 1
            ? StubHandler.Json("{\"errcode\":-1,\"errmsg\":\"system error\"}")
            : StubHandler.Json("{\"subscribe\":1,\"openid\":\"o_oa\",\"unionid\":\"u1\",\"qr_scene_str\":\"store_001\"}");

        var user = await Client().GetUserInfoAsync("o_oa");

        Assert.True(user.IsFollower);
        Assert.Equal("store_001", user.QrSceneStr);
        Assert.Equal(2, calls);
    }

    public void Dispose()
    {
        _provider?.Dispose();
        _keys.Dispose();
    }

    private OfficialAccountClient Client()
    {
        _provider ??= WechatTestServices.Build(WechatTestServices.Settings(_keys, "test-" + Guid.NewGuid().ToString("N")), _api.Handler, redis.Connect());
        return _provider.GetRequiredService<OfficialAccountClient>();
    }
}
