using System.Text.Json;
using WechatLoyalty.Wechat.Http;

namespace WechatLoyalty.Wechat.Pay.Notifications;

/// <summary>
/// Verify, decrypt and parse a notification in one call, in the only safe order: freshness → key by serial →
/// signature over the raw body → envelope → AES-GCM → typed resource. Every rejection is a
/// <see cref="WechatPayVerificationException"/> with a machine-readable reason.
/// https://pay.weixin.qq.com/doc/v3/merchant/4012071382
/// </summary>
public sealed class WechatPayNotificationParser
{
    private readonly WechatPaySignatureVerifier _verifier;
    private readonly byte[] _apiV3Key;

    public WechatPayNotificationParser(WechatPaySignatureVerifier verifier, byte[] apiV3Key)
    {
        _verifier = verifier;
        _apiV3Key = apiV3Key;
    }

    /// <summary>A payment notification (TRANSACTION.*).</summary>
    public WechatPayNotification<TransactionResource> ParseTransaction(ReadOnlySpan<byte> body, WechatPaySignatureHeaders headers) =>
        Parse<TransactionResource>(body, headers, "TRANSACTION.", "transaction");

    /// <summary>A refund notification (REFUND.SUCCESS / ABNORMAL / CLOSED).</summary>
    public WechatPayNotification<RefundResource> ParseRefund(ReadOnlySpan<byte> body, WechatPaySignatureHeaders headers) =>
        Parse<RefundResource>(body, headers, "REFUND.", "refund");

    /// <summary>Any notification, with the decrypted resource left as JSON text.</summary>
    public WechatPayNotification<string> ParseRaw(ReadOnlySpan<byte> body, WechatPaySignatureHeaders headers)
    {
        var (envelope, plaintext) = VerifyAndDecrypt(body, headers);
        return new WechatPayNotification<string>(envelope, System.Text.Encoding.UTF8.GetString(plaintext));
    }

    private WechatPayNotification<T> Parse<T>(ReadOnlySpan<byte> body, WechatPaySignatureHeaders headers, string eventPrefix, string originalType)
    {
        var (envelope, plaintext) = VerifyAndDecrypt(body, headers);
        if (!envelope.EventType.StartsWith(eventPrefix, StringComparison.Ordinal)
            || (envelope.Resource!.OriginalType is { } type && !string.Equals(type, originalType, StringComparison.Ordinal)))
        {
            throw new WechatPayVerificationException(WechatPayVerificationError.UnexpectedEventType,
                $"expected {eventPrefix}* / {originalType}, got {envelope.EventType} / {envelope.Resource!.OriginalType}");
        }

        try
        {
            return new WechatPayNotification<T>(envelope, WechatJson.Deserialize<T>(plaintext));
        }
        catch (JsonException ex)
        {
            throw new WechatPayVerificationException(WechatPayVerificationError.MalformedResource, $"resource is not a {typeof(T).Name}", ex);
        }
    }

    private (WechatPayNotificationEnvelope Envelope, byte[] Plaintext) VerifyAndDecrypt(ReadOnlySpan<byte> body, WechatPaySignatureHeaders headers)
    {
        if (_verifier.Verify(headers, body) is { } error)
        {
            throw new WechatPayVerificationException(error, $"notification signature check failed (serial {headers.Serial})");
        }

        WechatPayNotificationEnvelope envelope;
        try
        {
            envelope = WechatJson.Deserialize<WechatPayNotificationEnvelope>(body);
        }
        catch (JsonException ex)
        {
            throw new WechatPayVerificationException(WechatPayVerificationError.MalformedBody, "body is not a notification envelope", ex);
        }

        if (envelope.Resource is not { } resource || string.IsNullOrEmpty(resource.Ciphertext) || string.IsNullOrEmpty(envelope.EventType))
        {
            throw new WechatPayVerificationException(WechatPayVerificationError.MalformedBody, "envelope lacks event_type or resource");
        }

        if (!string.Equals(resource.Algorithm, ApiV3Aead.Algorithm, StringComparison.Ordinal))
        {
            throw new WechatPayVerificationException(WechatPayVerificationError.UnsupportedAlgorithm, $"algorithm {resource.Algorithm}");
        }

        return (envelope, ApiV3Aead.Decrypt(_apiV3Key, resource.Nonce, resource.AssociatedData, resource.Ciphertext));
    }
}
