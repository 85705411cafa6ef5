using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using WechatLoyalty.Wechat.Pay;

namespace WechatLoyalty.Wechat.Tests.Support;

/// <summary>Plays WeChat Pay's side (protocol F2): encrypt a resource, wrap it, sign the exact body bytes.</summary>
internal static class PayNotifications
{
    public const string Transaction =
        "{\"mchid\":\"1900000001\",\"appid\":\"wx0000000000000001\",\"out_trade_no\":\"T20250101001\",\"transaction_id\":\"4200000000202501010000000001\",\"trade_type\":\"JSAPI\",\"trade_state\":\"SUCCESS\",\"trade_state_desc\":\"ok\",\"bank_type\":\"OTHERS\",\"attach\":\"member:42\",\"success_time\":\"2025-01-01T12:00:00+08:00\",\"payer\":{\"openid\":\"o_test_openid\"},\"amount\":{\"total\":100,\"payer_total\":90,\"currency\":\"CNY\",\"payer_currency\":\"CNY\"}}";

    public const string Refund =
        "{\"mchid\":\"1900000001\",\"out_trade_no\":\"T20250101001\",\"transaction_id\":\"4200000000202501010000000001\",\"out_refund_no\":\"R1\",\"refund_id\":\"50000000382019052709732678859\",\"refund_status\":\"SUCCESS\",\"success_time\":\"2025-01-02T12:00:00+08:00\",\"user_received_account\":\"招商银行信用卡0403\",\"amount\":{\"total\":100,\"refund\":40,\"payer_total\":90,\"payer_refund\":36}}";

    public static (byte[] Body, WechatPaySignatureHeaders Headers) Create(
        RSA platformKey,
        string serial,
        DateTimeOffset signedAt,
        string resourceJson = Transaction,
        string eventType = "TRANSACTION.SUCCESS",
        string originalType = "transaction",
        string apiV3Key = TestKeys.ApiV3Key,
        string associatedData = "transaction")
    {
        var nonce = "n0nce12chars";
        var envelope = new
        {
            id = "EV-" + Guid.NewGuid().ToString("N"),
            create_time = "2025-01-01T12:00:05+08:00",
            resource_type = "encrypt-resource",
            event_type = eventType,
            summary = "支付成功",
            resource = new
            {
                original_type = originalType,
                algorithm = "AEAD_AES_256_GCM",
                ciphertext = ApiV3Aead.Encrypt(Encoding.UTF8.GetBytes(apiV3Key), nonce, associatedData, Encoding.UTF8.GetBytes(resourceJson)),
                associated_data = associatedData,
                nonce,
            },
        };
        var body = JsonSerializer.SerializeToUtf8Bytes(envelope, new JsonSerializerOptions { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping });
        return (body, Sign(platformKey, serial, signedAt, body));
    }

    public static WechatPaySignatureHeaders Sign(RSA platformKey, string serial, DateTimeOffset signedAt, byte[] body)
    {
        var timestamp = signedAt.ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture);
        var nonce = Convert.ToHexString(RandomNumberGenerator.GetBytes(16));
        var message = WechatPaySignatureVerifier.BuildMessage(timestamp, nonce, body);
        var signature = Convert.ToBase64String(platformKey.SignData(message, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1));
        return new WechatPaySignatureHeaders(timestamp, nonce, signature, serial);
    }
}
