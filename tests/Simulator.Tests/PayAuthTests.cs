using System.Security.Cryptography;
using WechatLoyalty.Simulator.Tests.Infrastructure;

namespace WechatLoyalty.Simulator.Tests;

public class PayAuthTests(SimulatorFixture fixture) : IClassFixture<SimulatorFixture>
{
    private readonly PayClient _pay = new(fixture);

    private async Task<object> BodyAsync()
    {
        var user = await fixture.CreateUserAsync();
        return PayClient.JsapiBody(user.GetProperty("mini_openid").GetString()!, PayClient.NewOutTradeNo());
    }

    [Fact]
    public async Task Jsapi_ReturnsSignedPrepayId_WhenSignedWithMerchantKey()
    {
        var response = await _pay.PostAsync("/v3/pay/transactions/jsapi", await BodyAsync());

        Assert.Equal(200, response.Status);
        Assert.StartsWith("wx", response.Body.GetProperty("prepay_id").GetString(), StringComparison.Ordinal);
        Assert.True(response.SignatureVerified);
        Assert.Equal("PUB_KEY_ID_0114000000SIMULATOR01", response.Serial);
        Assert.NotEmpty(response.RequestId);
    }

    [Fact]
    public async Task Jsapi_Returns401SignError_WhenBodyTamperedAfterSigning()
    {
        var response = await _pay.SendAsync(HttpMethod.Post, "/v3/pay/transactions/jsapi", await BodyAsync(),
            tamper: body => body.Replace("12800", "1", StringComparison.Ordinal));

        Assert.Equal(401, response.Status);
        Assert.Equal("SIGN_ERROR", response.Code);
        Assert.Contains("/v3/pay/transactions/jsapi", response.Body.GetProperty("detail").GetProperty("sign_information").GetProperty("truncated_sign_message").GetString(), StringComparison.Ordinal);
        Assert.EndsWith("-268443699", response.RequestId, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Jsapi_Returns401SignError_WhenSignedWithAnotherKey()
    {
        using var otherKey = RSA.Create(2048);

        var response = await _pay.SendAsync(HttpMethod.Post, "/v3/pay/transactions/jsapi", await BodyAsync(), key: otherKey);

        Assert.Equal(401, response.Status);
        Assert.Equal("SIGN_ERROR", response.Code);
    }

    [Fact]
    public async Task Query_Returns401SignError_WhenSerialIsThePlatformOne()
    {
        var response = await _pay.SendAsync(HttpMethod.Get, "/v3/pay/transactions/out-trade-no/LP0000001?mchid=1900000001",
            serial: fixture.Sim.Keys.PlatformCertificateSerial);

        Assert.Equal(401, response.Status);
        Assert.Equal("SIGN_ERROR", response.Code);
    }

    [Fact]
    public async Task Query_Returns401SignError_WhenTimestampSixMinutesOld()
    {
        var response = await _pay.SendAsync(HttpMethod.Get, "/v3/pay/transactions/out-trade-no/LP0000001?mchid=1900000001",
            timestamp: DateTimeOffset.UtcNow.AddMinutes(-6).ToUnixTimeSeconds());

        Assert.Equal(401, response.Status);
    }

    [Fact]
    public async Task Query_Returns400InvalidRequest_WhenUserAgentMissing()
    {
        var keys = fixture.Sim.Keys;
        using var request = OurSide.SignedPayRequest(HttpMethod.Get, "/v3/pay/transactions/out-trade-no/LP0000001?mchid=1900000001", null,
            keys.MerchantPrivateKey, keys.MerchantSerialNumber);
        request.Headers.UserAgent.Clear();

        using var response = await fixture.Http.SendAsync(request);

        Assert.Equal(400, (int)response.StatusCode);
        Assert.Contains("INVALID_REQUEST", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Query_Returns404OrderNotExist_WhenSignedCorrectly()
    {
        var response = await _pay.GetAsync("/v3/pay/transactions/out-trade-no/LP0000001?mchid=1900000001");

        Assert.Equal(404, response.Status);
        Assert.Equal("ORDER_NOT_EXIST", response.Code);
    }
}
