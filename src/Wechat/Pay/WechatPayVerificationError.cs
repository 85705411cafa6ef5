namespace WechatLoyalty.Wechat.Pay;

/// <summary>Why a signed WeChat Pay message (notification or API response) was rejected. Log it; answer 4xx.</summary>
public enum WechatPayVerificationError
{
    /// <summary>A Wechatpay-Timestamp/Nonce/Signature/Serial header is absent or empty.</summary>
    MissingHeaders,
    /// <summary>Wechatpay-Timestamp is not a Unix-seconds integer.</summary>
    MalformedTimestamp,
    /// <summary>The timestamp is older than the allowed window (replay or very late delivery).</summary>
    StaleTimestamp,
    /// <summary>The timestamp is ahead of our clock by more than the window.</summary>
    FutureTimestamp,
    /// <summary>A <c>WECHATPAY/SIGNTEST/</c> probe: WeChat checks that we really verify, and resends the real one.</summary>
    SignatureProbe,
    /// <summary>No public key or platform certificate with that serial.</summary>
    UnknownSerial,
    /// <summary>The RSA signature does not verify over timestamp\nnonce\nbody\n.</summary>
    BadSignature,
    /// <summary>The body is not the notification envelope we expect.</summary>
    MalformedBody,
    /// <summary>resource.algorithm is not AEAD_AES_256_GCM.</summary>
    UnsupportedAlgorithm,
    /// <summary>AES-GCM failed (tag mismatch): tampered ciphertext/associated data or the wrong APIv3 key.</summary>
    DecryptionFailed,
    /// <summary>The decrypted resource is not valid JSON of the expected type.</summary>
    MalformedResource,
    /// <summary>The event or resource type does not match what the caller asked to parse.</summary>
    UnexpectedEventType,
}

/// <summary>A WeChat Pay notification or response failed verification; <see cref="Reason"/> says why.</summary>
public sealed class WechatPayVerificationException : Exception
{
    public WechatPayVerificationException(WechatPayVerificationError reason, string message, Exception? innerException = null)
        : base($"{reason}: {message}", innerException)
    {
        Reason = reason;
    }

    public WechatPayVerificationException()
    {
    }

    public WechatPayVerificationException(string message)
        : base(message)
    {
    }

    public WechatPayVerificationException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    public WechatPayVerificationError Reason { get; }
}
