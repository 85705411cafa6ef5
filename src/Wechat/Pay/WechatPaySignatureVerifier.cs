using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace WechatLoyalty.Wechat.Pay;

/// <summary>The four Wechatpay-* headers that sign a notification or an API response.</summary>
public sealed record WechatPaySignatureHeaders(string? Timestamp, string? Nonce, string? Signature, string? Serial)
{
    public const string TimestampHeader = "Wechatpay-Timestamp";
    public const string NonceHeader = "Wechatpay-Nonce";
    public const string SignatureHeader = "Wechatpay-Signature";
    public const string SerialHeader = "Wechatpay-Serial";

    /// <summary>Reads the headers through any lookup (ASP.NET's IHeaderDictionary, HttpResponseHeaders, a dictionary).</summary>
    public static WechatPaySignatureHeaders From(Func<string, string?> header) =>
        new(header(TimestampHeader), header(NonceHeader), header(SignatureHeader), header(SerialHeader));
}

/// <summary>
/// Verifies WeChat Pay's signature: RSA-SHA256-PKCS1 over <c>timestamp\nnonce\nbody\n</c> with the key the serial
/// names, after a freshness check. https://pay.weixin.qq.com/doc/v3/merchant/4012365345
/// </summary>
public sealed class WechatPaySignatureVerifier(WechatPayPlatformKeys keys, TimeProvider time, TimeSpan maxClockSkew)
{
    public const string SignatureProbePrefix = "WECHATPAY/SIGNTEST/";

    /// <summary>Returns null when the message is authentic, otherwise why not.</summary>
    public WechatPayVerificationError? Verify(WechatPaySignatureHeaders headers, ReadOnlySpan<byte> body)
    {
        if (string.IsNullOrEmpty(headers.Timestamp) || string.IsNullOrEmpty(headers.Nonce)
            || string.IsNullOrEmpty(headers.Signature) || string.IsNullOrEmpty(headers.Serial))
        {
            return WechatPayVerificationError.MissingHeaders;
        }

        if (!long.TryParse(headers.Timestamp, NumberStyles.None, CultureInfo.InvariantCulture, out var unixSeconds))
        {
            return WechatPayVerificationError.MalformedTimestamp;
        }

        var skew = time.GetUtcNow().ToUnixTimeSeconds() - unixSeconds;
        if (skew >= maxClockSkew.TotalSeconds)
        {
            return WechatPayVerificationError.StaleTimestamp;
        }

        if (-skew >= maxClockSkew.TotalSeconds)
        {
            return WechatPayVerificationError.FutureTimestamp;
        }

        if (headers.Signature.StartsWith(SignatureProbePrefix, StringComparison.Ordinal))
        {
            return WechatPayVerificationError.SignatureProbe;
        }

        if (!keys.TryGetKey(headers.Serial, out var key))
        {
            return WechatPayVerificationError.UnknownSerial;
        }

        var signature = new byte[headers.Signature.Length];
        if (!Convert.TryFromBase64String(headers.Signature, signature, out var signatureLength))
        {
            return WechatPayVerificationError.BadSignature;
        }

        var message = BuildMessage(headers.Timestamp, headers.Nonce, body);
        return key.VerifyData(message, signature.AsSpan(0, signatureLength), HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1)
            ? null
            : WechatPayVerificationError.BadSignature;
    }

    /// <summary><c>timestamp\nnonce\nbody\n</c> over the raw body bytes.</summary>
    public static byte[] BuildMessage(string timestamp, string nonce, ReadOnlySpan<byte> body)
    {
        var head = Encoding.UTF8.GetBytes($"{timestamp}\n{nonce}\n");
        var message = new byte[head.Length + body.Length + 1];
        head.CopyTo(message, 0);
        body.CopyTo(message.AsSpan(head.Length));
        message[^1] = (byte)'\n';
        return message;
    }
}
