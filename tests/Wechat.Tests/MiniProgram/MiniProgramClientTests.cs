using System.Net;
using System.Text;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using WechatLoyalty.Wechat.MiniProgram;
using WechatLoyalty.Wechat.Tests.Support;

namespace WechatLoyalty.Wechat.Tests.MiniProgram;

public sealed class MiniProgramClientTests(RedisFixture redis) : IClassFixture<RedisFixture>, IDisposable
{
    private static readonly byte[] Png = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A, 1, 2, 3];
    private readonly TestKeys _keys = new();
    private readonly FakeWechatApi _api = new() { TokenLatency = TimeSpan.Zero };
    private ServiceProvider? _provider;

    [Fact]
    public async Task Code2Session_ReturnsSession_AndSendsAppIdSecretAndCode()
    {
        string? query = null;
        _api.Business = (request, _) => { query = request.RequestUri!.Query; return StubHandler.Json("{\"openid\":\"o_mini\",\"session_key\":\"tiihtNczf5v6AKRyjwEUhQ==\",\"unionid\":\"u1\"}"); };

        var session = await Client().Code2SessionAsync("code-1");

        Assert.Equal("o_mini", session.Openid);
        Assert.Equal("u1", session.Unionid);
        Assert.Equal($"?appid={WechatTestServices.MiniAppId}&secret=mini-secret&js_code=code-1&grant_type=authorization_code", query);
        Assert.Equal(0, _api.TokensIssued);
    }

    [Fact]
    public async Task Code2Session_IsNotRetried_WhenServerFails()
    {
        var calls = 0;
        _api.Business = (_, _) => { calls++; return FakeWechatApi.Status(HttpStatusCode.ServiceUnavailable); };

        await Assert.ThrowsAsync<HttpRequestException>(() => Client().Code2SessionAsync("code-1"));

        Assert.Equal(1, calls);
    }

    [Fact]
    public async Task Code2Session_ThrowsInvalidCode_When40029()
    {
        _api.Business = (_, _) => StubHandler.Json("{\"errcode\":40029,\"errmsg\":\"invalid code rid: 9\"}");

        var ex = await Assert.ThrowsAsync<WechatApiException>(() => Client().Code2SessionAsync("used"));

        Assert.Equal(WechatErrorKind.InvalidCode, ex.Kind);
        Assert.Equal("sns/jscode2session", ex.Api);
    }

    [Fact]
    public async Task GetUnlimitedQrCode_ReturnsImageBytes_WhenWechatAnswersImage()
    {
        byte[]? sent = null;
        _api.Business = (_, body) =>
        {
            sent = body;
            var response = new HttpResponseMessage(HttpStatusCode.OK) { Content = new ByteArrayContent(Png) };
            response.Content.Headers.ContentType = new("image/png");
            return response;
        };

        var image = await Client().GetUnlimitedQrCodeAsync(new WxaGetWxaCodeUnlimitRequest { Scene = "s=ST001&r=AB12CD", Page = "pages/join/index" });

        Assert.Equal(Png, image.Content);
        Assert.Equal("image/png", image.ContentType);
        using var doc = JsonDocument.Parse(sent!);
        Assert.Equal("s=ST001&r=AB12CD", doc.RootElement.GetProperty("scene").GetString());
        Assert.False(doc.RootElement.TryGetProperty("width", out _));
    }

    [Fact]
    public async Task GetUnlimitedQrCode_ThrowsTypedError_WhenJsonErrorComesWithHttp200()
    {
        _api.Business = (_, _) => StubHandler.Json("{\"errcode\":41030,\"errmsg\":\"invalid page rid: 1\"}");

        var ex = await Assert.ThrowsAsync<WechatApiException>(() => Client().GetUnlimitedQrCodeAsync(new WxaGetWxaCodeUnlimitRequest { Scene = "ST001" }));

        Assert.Equal(41030, ex.ErrCode);
    }

    [Theory]
    [InlineData("")]
    [InlineData("this-scene-is-longer-than-32-chars!")]
    [InlineData("门店1")]
    [InlineData("a%20b")]
    public async Task GetUnlimitedQrCode_ThrowsBeforeCalling_WhenSceneInvalid(string scene)
    {
        await Assert.ThrowsAsync<ArgumentException>(() => Client().GetUnlimitedQrCodeAsync(new WxaGetWxaCodeUnlimitRequest { Scene = scene }));

        Assert.Equal(0, _api.TokensIssued);
    }

    [Fact]
    public async Task SendSubscribeMessage_ThrowsNoCreditOnce_AndIsNotRetried()
    {
        var calls = 0;
        _api.Business = (_, _) => { calls++; return StubHandler.Json("{\"errcode\":43101,\"errmsg\":\"user refuse to accept the msg rid: 2\"}"); };
        var request = new CgibinMessageSubscribeSendRequest { Touser = "o_mini", TemplateId = "TPL", Data = { ["thing1"] = new("Gold") } };

        var ex = await Assert.ThrowsAsync<WechatApiException>(() => Client().SendSubscribeMessageAsync(request));

        Assert.Equal(WechatErrorKind.NoSubscriptionCredit, ex.Kind);
        Assert.Equal(1, calls);
    }

    [Fact]
    public async Task SendSubscribeMessage_IsNotRetried_WhenSystemBusy()
    {
        var calls = 0;
        _api.Business = (_, _) => { calls++; return StubHandler.Json("{\"errcode\":-1,\"errmsg\":\"system error\"}"); };

        var ex = await Assert.ThrowsAsync<WechatApiException>(() => Client().SendSubscribeMessageAsync(new CgibinMessageSubscribeSendRequest { Touser = "o", TemplateId = "T" }));

        Assert.Equal(WechatErrorKind.SystemBusy, ex.Kind);
        Assert.Equal(1, calls);
    }

    [Fact]
    public async Task GetUserPhoneNumber_ReadsCamelCasePhoneInfo()
    {
        string? body = null;
        _api.Business = (_, b) =>
        {
            body = Encoding.UTF8.GetString(b);
            return StubHandler.Json("{\"errcode\":0,\"errmsg\":\"ok\",\"phone_info\":{\"phoneNumber\":\"+86 13800000000\",\"purePhoneNumber\":\"13800000000\",\"countryCode\":\"86\",\"watermark\":{\"timestamp\":1637744274,\"appid\":\"wx0000000000000001\"}}}");
        };

        var result = await Client().GetUserPhoneNumberAsync("phone-code");

        Assert.Equal("{\"code\":\"phone-code\"}", body);
        Assert.Equal("13800000000", result.PhoneInfo!.PurePhoneNumber);
        Assert.Equal("wx0000000000000001", result.PhoneInfo.Watermark!.Appid);
    }

    public void Dispose()
    {
        _provider?.Dispose();
        _keys.Dispose();
    }

    private MiniProgramClient Client()
    {
        _provider ??= WechatTestServices.Build(WechatTestServices.Settings(_keys, "test-" + Guid.NewGuid().ToString("N")), _api.Handler, redis.Connect());
        return _provider.GetRequiredService<MiniProgramClient>();
    }
}
