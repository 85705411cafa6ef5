extern alias sim;

using System.Globalization;
using System.Net.Http.Headers;
using System.Security.Cryptography;
using System.Text.Json;
using WechatLoyalty.Api.Tests.Infrastructure;
using sim::WechatLoyalty.Simulator.Crypto;

namespace WechatLoyalty.Api.Tests.Payments;

/// <summary>What to spoil in a notification, to prove that each kind of forgery is refused.</summary>
public enum Forgery
{
    None,
    ForeignKey,
    StaleTimestamp,
    UnknownSerial,
    TamperedCiphertext,
}

/// <summary>
/// Builds WeChat Pay notifications exactly as WeChat (and the simulator) does, with the simulator's platform key
/// and APIv3 key: fresh timestamp, AES-GCM resource, RSA-SHA256 over ts\nnonce\nbody\n. Captured notifications go
/// stale after 5 minutes, so tests build them when needed (wechat-protocol F2).
/// </summary>
internal static class SignedNotifications
{
    public static Dictionary<string, object?> Transaction(LoyaltyApiFactory factory, SimPayment paid, int? total = null, string? mchId = null) => new()
    {
        ["mchid"] = mchId ?? factory.Simulator.Options.Pay.MchId,
        ["appid"] = factory.Simulator.Options.MiniProgram.AppId,
        ["out_trade_no"] = paid.OutTradeNo,
        ["transaction_id"] = paid.TransactionId,
        ["trade_type"] = "JSAPI",
        ["trade_state"] = "SUCCESS",
        ["trade_state_desc"] = "支付成功",
        ["bank_type"] = "OTHERS",
        ["success_time"] = DateTimeOffset.UtcNow.ToOffset(TimeSpan.FromHours(8)).ToString("yyyy-MM-dd'T'HH:mm:sszzz", CultureInfo.InvariantCulture),
        ["payer"] = new Dictionary<string, object?> { ["openid"] = paid.PayerOpenId },
        ["amount"] = new Dictionary<string, object?>
        {
            ["total"] = total ?? paid.Total, ["payer_total"] = paid.PayerTotal, ["currency"] = "CNY", ["payer_currency"] = "CNY",
        },
    };

    /// <summary>A signed POST to the API's notify_url; build a new one per send (HttpRequestMessage is single-use).</summary>
    public static HttpRequestMessage Request(LoyaltyApiFactory factory, string eventType, object resource, Forgery forgery = Forgery.None)
    {
        var keys = factory.Simulator.Keys;
        var originalType = eventType.StartsWith("REFUND", StringComparison.Ordinal) ? "refund" : "transaction";
        var nonce = PayCrypto.RandomString(12);
        var ciphertext = PayCrypto.GcmEncrypt(keys.ApiV3Key, nonce, originalType, JsonSerializer.Serialize(resource));
        if (forgery == Forgery.TamperedCiphertext)
        {
            var bytes = Convert.FromBase64String(ciphertext);
            bytes[0] ^= 0x01;
            ciphertext = Convert.ToBase64String(bytes);
        }
        var body = JsonSerializer.Serialize(new
        {
            id = Guid.NewGuid().ToString(), create_time = DateTimeOffset.UtcNow.ToString("yyyy-MM-dd'T'HH:mm:sszzz", CultureInfo.InvariantCulture),
            resource_type = "encrypt-resource", event_type = eventType, summary = "test",
            resource = new { original_type = originalType, algorithm = "AEAD_AES_256_GCM", ciphertext, associated_data = originalType, nonce },
        });
        var age = forgery == Forgery.StaleTimestamp ? TimeSpan.FromMinutes(6) : TimeSpan.Zero;
        var timestamp = (DateTimeOffset.UtcNow - age).ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture);
        var signatureNonce = PayCrypto.RandomString(32);
        using var foreign = RSA.Create(2048);
        var signingKey = forgery == Forgery.ForeignKey ? foreign : keys.PlatformPrivateKey;
        var request = new HttpRequestMessage(HttpMethod.Post, "/wechat/pay/notify")
        {
            Content = new StringContent(body, new MediaTypeHeaderValue("application/json")),
        };
        request.Headers.Add("Wechatpay-Timestamp", timestamp);
        request.Headers.Add("Wechatpay-Nonce", signatureNonce);
        request.Headers.Add("Wechatpay-Serial", forgery == Forgery.UnknownSerial ? "PUB_KEY_ID_0114232134912410000000000000" : keys.PublicKeyId);
        request.Headers.Add("Wechatpay-Signature-Type", "WECHATPAY2-SHA256-RSA2048");
        request.Headers.Add("Wechatpay-Signature", PayCrypto.Sign(signingKey, $"{timestamp}\n{signatureNonce}\n{body}\n"));
        return request;
    }
}
