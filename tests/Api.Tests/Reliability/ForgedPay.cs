extern alias sim;

using System.Globalization;
using System.Net.Http.Headers;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using WechatLoyalty.Api.Tests.Infrastructure;
using sim::WechatLoyalty.Simulator.Crypto;

namespace WechatLoyalty.Api.Tests.Reliability;

/// <summary>
/// One way to spoil a WeChat Pay notification. Everything defaults to what WeChat sends; each knob spoils one step
/// of verify → decrypt → parse → check-it-is-ours, so the corpus names exactly what it proves is refused.
/// </summary>
public sealed record PaySpec
{
    public string EventType { get; init; } = "TRANSACTION.SUCCESS";
    public required string Plaintext { get; init; }
    public string OriginalType { get; init; } = "transaction";
    public string? AssociatedData { get; init; } = "transaction";
    public string? ResourceNonce { get; init; }
    public string Algorithm { get; init; } = "AEAD_AES_256_GCM";
    public string? ApiV3Key { get; init; }
    public Func<byte[], byte[]>? Ciphertext { get; init; }
    public string? CiphertextText { get; init; }
    /// <summary>Replaces the envelope before it is signed (a body WeChat could have signed, but not a notification).</summary>
    public Func<string, string>? Envelope { get; init; }
    /// <summary>Changes the body after it was signed (a man in the middle).</summary>
    public Func<string, string>? AfterSigning { get; init; }
    public TimeSpan Age { get; init; }
    public string? Timestamp { get; init; }
    public string? SignedTimestamp { get; init; }
    public string? Serial { get; init; }
    public bool ForeignKey { get; init; }
    public Func<string, string>? Signature { get; init; }
    public string? NonceAfterSigning { get; init; }
    public string[] OmitHeaders { get; init; } = [];
}

internal static class ForgedPay
{
    public static HttpRequestMessage Request(LoyaltyApiFactory factory, PaySpec spec)
    {
        var keys = factory.Simulator.Keys;
        var nonce = spec.ResourceNonce ?? PayCrypto.RandomString(12);
        var ciphertext = spec.CiphertextText
            ?? PayCrypto.GcmEncrypt(spec.ApiV3Key ?? keys.ApiV3Key, nonce, spec.AssociatedData ?? "", spec.Plaintext);
        if (spec.Ciphertext is { } spoil) ciphertext = Convert.ToBase64String(spoil(Convert.FromBase64String(ciphertext)));
        var resource = new Dictionary<string, object?>
        {
            ["original_type"] = spec.OriginalType, ["algorithm"] = spec.Algorithm, ["ciphertext"] = ciphertext, ["nonce"] = nonce,
        };
        if (spec.AssociatedData is not null) resource["associated_data"] = spec.AssociatedData;
        var body = JsonSerializer.Serialize(new
        {
            id = Guid.NewGuid().ToString(), create_time = DateTimeOffset.UtcNow.ToString("yyyy-MM-dd'T'HH:mm:sszzz", CultureInfo.InvariantCulture),
            resource_type = "encrypt-resource", event_type = spec.EventType, summary = "forged", resource,
        });
        if (spec.Envelope is { } envelope) body = envelope(body);

        var timestamp = (DateTimeOffset.UtcNow - spec.Age).ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture);
        var signatureNonce = PayCrypto.RandomString(32);
        using var foreign = RSA.Create(2048);
        var signature = PayCrypto.Sign(spec.ForeignKey ? foreign : keys.PlatformPrivateKey,
            $"{spec.SignedTimestamp ?? spec.Timestamp ?? timestamp}\n{signatureNonce}\n{body}\n");
        if (spec.Signature is { } spoilSignature) signature = spoilSignature(signature);
        if (spec.AfterSigning is { } after) body = after(body);

        var request = new HttpRequestMessage(HttpMethod.Post, "/wechat/pay/notify")
        {
            Content = new ByteArrayContent(Encoding.UTF8.GetBytes(body)) { Headers = { ContentType = new MediaTypeHeaderValue("application/json") } },
        };
        var headers = new Dictionary<string, string>
        {
            ["Wechatpay-Timestamp"] = spec.Timestamp ?? timestamp,
            ["Wechatpay-Nonce"] = spec.NonceAfterSigning ?? signatureNonce,
            ["Wechatpay-Serial"] = spec.Serial ?? keys.PublicKeyId,
            ["Wechatpay-Signature-Type"] = "WECHATPAY2-SHA256-RSA2048",
            ["Wechatpay-Signature"] = signature,
        };
        foreach (var (name, value) in headers)
        {
            if (!spec.OmitHeaders.Contains(name)) request.Headers.TryAddWithoutValidation(name, value);
        }
        return request;
    }
}
