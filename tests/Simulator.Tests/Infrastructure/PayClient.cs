using System.Security.Cryptography;
using System.Text.Json;

namespace WechatLoyalty.Simulator.Tests.Infrastructure;

/// <summary>Our side of WeChat Pay in tests: signs with the merchant key from the simulator's key material and
/// verifies every 2xx response with the platform public key (pub_key.pem).</summary>
public sealed class PayClient(SimulatorFixture fixture)
{
    public async Task<PayResponse> SendAsync(HttpMethod method, string pathAndQuery, object? body = null, RSA? key = null, string? serial = null,
        long? timestamp = null, Func<string, string>? tamper = null)
    {
        var json = body is null ? null : body as string ?? JsonSerializer.Serialize(body);
        var keys = fixture.Sim.Keys;
        using var request = OurSide.SignedPayRequest(method, pathAndQuery, json, key ?? keys.MerchantPrivateKey, serial ?? keys.MerchantSerialNumber,
            timestamp: timestamp, tamperAfterSigning: tamper);
        using var response = await fixture.Http.SendAsync(request);
        var text = await response.Content.ReadAsStringAsync();
        var verified = OurSide.Header(response, "Wechatpay-Signature").Length > 0
            && OurSide.VerifyResponse(keys.PlatformPublicKeyPem, response, text);
        return new PayResponse((int)response.StatusCode, text.Length == 0 ? default : JsonDocument.Parse(text).RootElement.Clone(), verified,
            OurSide.Header(response, "Wechatpay-Serial"), OurSide.Header(response, "Request-ID"));
    }

    public Task<PayResponse> PostAsync(string path, object body) => SendAsync(HttpMethod.Post, path, body);

    public Task<PayResponse> GetAsync(string path) => SendAsync(HttpMethod.Get, path);

    public static object JsapiBody(string openId, string outTradeNo, int total = 12800, string notifyUrl = "https://api.example.com/wxpay/notify",
        string description = "Store ST001 purchase") => new
    {
        appid = SimulatorFixture.MiniAppId,
        mchid = "1900000001",
        description,
        out_trade_no = outTradeNo,
        attach = "member:42",
        notify_url = notifyUrl,
        amount = new { total, currency = "CNY" },
        payer = new { openid = openId },
    };

    public static string NewOutTradeNo() => "LP" + Convert.ToHexString(RandomNumberGenerator.GetBytes(10));

    /// <summary>Creates a user, a prepay order and returns (openid, out_trade_no, prepay_id).</summary>
    public async Task<(string OpenId, string OutTradeNo, string PrepayId)> PrepayAsync(int total = 12800, string? notifyUrl = null)
    {
        var user = await fixture.CreateUserAsync();
        var openId = user.GetProperty("mini_openid").GetString()!;
        var outTradeNo = NewOutTradeNo();
        var response = await PostAsync("/v3/pay/transactions/jsapi",
            JsapiBody(openId, outTradeNo, total, notifyUrl ?? fixture.Receiver.NotifyUrl(outTradeNo)));
        return (openId, outTradeNo, response.Body.GetProperty("prepay_id").GetString()!);
    }
}

public sealed record PayResponse(int Status, JsonElement Body, bool SignatureVerified, string Serial, string RequestId)
{
    public string? Code => Body.ValueKind == JsonValueKind.Object && Body.TryGetProperty("code", out var c) ? c.GetString() : null;
}
