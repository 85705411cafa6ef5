namespace WechatLoyalty.Wechat.OfficialAccount;

/// <summary>Why an official-account push was rejected.</summary>
public enum OaMessageError
{
    /// <summary>timestamp, nonce or a signature is missing.</summary>
    MissingParameters,
    /// <summary>The plain-mode <c>signature</c> does not match.</summary>
    BadSignature,
    /// <summary>The safe-mode <c>msg_signature</c> does not match (checked before decrypting).</summary>
    BadMsgSignature,
    /// <summary>Larger than we accept for a push.</summary>
    TooLarge,
    /// <summary>Not well-formed XML, or XML with a DOCTYPE/entities.</summary>
    MalformedXml,
    /// <summary>encrypt_type=aes but no &lt;Encrypt&gt; element.</summary>
    MissingEncrypt,
    /// <summary>The AES payload is not valid (bad Base64, length, padding or length prefix).</summary>
    DecryptionFailed,
    /// <summary>The trailing appid is not ours.</summary>
    AppIdMismatch,
}

/// <summary>An official-account push failed verification or parsing; answer 4xx and log <see cref="Reason"/>.</summary>
public sealed class OaMessageException : Exception
{
    public OaMessageException(OaMessageError reason, string message, Exception? innerException = null)
        : base($"{reason}: {message}", innerException)
    {
        Reason = reason;
    }

    public OaMessageException()
    {
    }

    public OaMessageException(string message)
        : base(message)
    {
    }

    public OaMessageException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    public OaMessageError Reason { get; }
}
