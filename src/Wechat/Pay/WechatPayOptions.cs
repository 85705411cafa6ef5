namespace WechatLoyalty.Wechat.Pay;

/// <summary>
/// <c>Wechat:Pay</c>: a direct merchant. Key material comes from files (the simulator's dev key directory or the
/// console downloads) or inline PEM (secrets from the environment). At least one platform key source is required:
/// the WeChat Pay public key (<c>PUB_KEY_ID_...</c>) and/or downloaded platform certificates.
/// </summary>
public sealed class WechatPayOptions
{
    public const string Section = "Wechat:Pay";

    public string MchId { get; set; } = string.Empty;

    /// <summary>The mini-program appid paying users belong to (payer.openid is of this app).</summary>
    public string AppId { get; set; } = string.Empty;

    /// <summary>
    /// A directory laid out as merchant/apiclient_key.pem, merchant/apiclient_cert.pem, platform/pub_key.pem,
    /// platform/pub_key_id.txt, apiv3_key.txt. Fills the individual settings that are not set explicitly.
    /// </summary>
    public string? KeysDirectory { get; set; }

    /// <summary>Merchant API certificate serial (uppercase hex); derived from the certificate when omitted.</summary>
    public string? MerchantCertificateSerial { get; set; }

    public string? MerchantPrivateKeyPath { get; set; }

    public string? MerchantPrivateKeyPem { get; set; }

    /// <summary>apiclient_cert.pem: gives the serial and proves the private key is the right one.</summary>
    public string? MerchantCertificatePath { get; set; }

    /// <summary>The APIv3 key: exactly 32 bytes. Decrypts notifications and downloaded certificates.</summary>
    public string ApiV3Key { get; set; } = string.Empty;

    /// <summary>WeChat Pay public key id, <c>PUB_KEY_ID_...</c>.</summary>
    public string? PlatformPublicKeyId { get; set; }

    public string? PlatformPublicKeyPath { get; set; }

    public string? PlatformPublicKeyPem { get; set; }

    /// <summary>Certificate mode: download /v3/certificates at start and every <see cref="CertificateRefreshInterval"/>.</summary>
    public bool UsePlatformCertificates { get; set; }

    public TimeSpan CertificateRefreshInterval { get; set; } = TimeSpan.FromHours(12);

    /// <summary>Default notify_url for prepay and refunds: HTTPS, no query string.</summary>
    public string NotifyUrl { get; set; } = string.Empty;

    /// <summary>WeChat Pay rejects requests without a User-Agent, and .NET sends none by default.</summary>
    public string UserAgent { get; set; } = "WechatLoyalty/1.0 (.NET)";

    /// <summary>Maximum |now - Wechatpay-Timestamp| on notifications and responses.</summary>
    public TimeSpan MaxClockSkew { get; set; } = TimeSpan.FromMinutes(5);

    internal bool HasPublicKey =>
        !string.IsNullOrWhiteSpace(PlatformPublicKeyPath) || !string.IsNullOrWhiteSpace(PlatformPublicKeyPem);
}
