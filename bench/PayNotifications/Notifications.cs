using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;

namespace WechatLoyalty.PayNotifications;

/// <summary>An order the bench prepared (Prepaid, charge = amount.total) and the transaction id WeChat will give it.</summary>
internal sealed record BenchOrder(string OutTradeNo, string OpenId, long ChargeFen, string TransactionId);

/// <summary>One delivery as WeChat Pay sends it: the raw body and the four Wechatpay-* headers that sign it.</summary>
internal sealed record SignedNotification(BenchOrder Order, byte[] Body, string Timestamp, string Nonce, string Signature, long SignedAtUnix);

/// <summary>
/// Builds TRANSACTION.SUCCESS notifications exactly as WeChat Pay does (wechat-protocol.md C4/C5, and the simulator's
/// NotificationDispatcher): resource JSON encrypted with AEAD_AES_256_GCM (APIv3 key, 12-character nonce,
/// associated_data "transaction", tag appended), envelope, then RSA-SHA256-PKCS1 with the platform private key over
/// <c>timestamp\nnonce\nbody\n</c>. Written independently of the product's crypto, so the API is tested black-box.
/// Thread-safe: every thread gets its own RSA and AesGcm.
/// </summary>
internal sealed class NotificationFactory(KeySet keys, string mchId, string appId)
{
    private const string Alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
    private static readonly TimeSpan ChinaOffset = TimeSpan.FromHours(8);

    private readonly ThreadLocal<RSA> _rsa = new(() =>
    {
        var rsa = RSA.Create();
        rsa.ImportFromPem(keys.PlatformPrivateKeyPem);
        return rsa;
    });

    private readonly ThreadLocal<AesGcm> _aes = new(() => new AesGcm(Encoding.UTF8.GetBytes(keys.ApiV3Key), 16));

    public string Serial => keys.PublicKeyId;

    /// <summary>Signs every order's notification, in parallel, before the timed phase (the load generator shares the CPUs).</summary>
    public SignedNotification[] SignAll(IReadOnlyList<BenchOrder> orders)
    {
        var signed = new SignedNotification[orders.Count];
        Parallel.For(0, orders.Count, i => signed[i] = Sign(orders[i]));
        return signed;
    }

    /// <summary>A redelivery: same event and resource, a new timestamp, nonce and signature (WeChat signs every attempt).</summary>
    public SignedNotification Resign(SignedNotification original) => SignBody(original.Order, original.Body);

    public SignedNotification Sign(BenchOrder order)
    {
        var now = DateTimeOffset.UtcNow;
        var resource = new
        {
            mchid = mchId, appid = appId, out_trade_no = order.OutTradeNo, transaction_id = order.TransactionId,
            trade_type = "JSAPI", trade_state = "SUCCESS", trade_state_desc = "支付成功", bank_type = "OTHERS", attach = "",
            success_time = now.ToOffset(ChinaOffset).ToString("yyyy-MM-dd'T'HH:mm:sszzz", CultureInfo.InvariantCulture),
            payer = new { openid = order.OpenId },
            amount = new { total = order.ChargeFen, payer_total = order.ChargeFen, currency = "CNY", payer_currency = "CNY" },
        };
        var nonce = RandomNumberGenerator.GetString(Alphabet, 12);
        var envelope = new
        {
            id = Guid.NewGuid().ToString(),
            create_time = now.ToOffset(ChinaOffset).ToString("yyyy-MM-dd'T'HH:mm:sszzz", CultureInfo.InvariantCulture),
            resource_type = "encrypt-resource",
            event_type = "TRANSACTION.SUCCESS",
            summary = "支付成功",
            resource = new
            {
                original_type = "transaction", algorithm = "AEAD_AES_256_GCM",
                ciphertext = Encrypt(JsonSerializer.SerializeToUtf8Bytes(resource), nonce, "transaction"),
                associated_data = "transaction", nonce,
            },
        };
        return SignBody(order, JsonSerializer.SerializeToUtf8Bytes(envelope));
    }

    private SignedNotification SignBody(BenchOrder order, byte[] body)
    {
        var unix = DateTimeOffset.UtcNow.ToUnixTimeSeconds();
        var timestamp = unix.ToString(CultureInfo.InvariantCulture);
        var nonce = RandomNumberGenerator.GetString(Alphabet, 32);
        var head = Encoding.UTF8.GetBytes($"{timestamp}\n{nonce}\n");
        var message = new byte[head.Length + body.Length + 1];
        head.CopyTo(message, 0);
        body.CopyTo(message, head.Length);
        message[^1] = (byte)'\n';
        var signature = Convert.ToBase64String(_rsa.Value!.SignData(message, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1));
        return new SignedNotification(order, body, timestamp, nonce, signature, unix);
    }

    private string Encrypt(byte[] plaintext, string nonce, string associatedData)
    {
        var output = new byte[plaintext.Length + 16];
        _aes.Value!.Encrypt(Encoding.UTF8.GetBytes(nonce), plaintext, output.AsSpan(0, plaintext.Length), output.AsSpan(plaintext.Length),
            Encoding.UTF8.GetBytes(associatedData));
        return Convert.ToBase64String(output);
    }
}
