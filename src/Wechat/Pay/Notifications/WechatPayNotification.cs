namespace WechatLoyalty.Wechat.Pay.Notifications;

/// <summary>
/// The notification envelope WeChat Pay POSTs to notify_url.
/// https://pay.weixin.qq.com/doc/v3/merchant/4012791861
/// </summary>
public sealed class WechatPayNotificationEnvelope
{
    public string Id { get; set; } = string.Empty;

    public string? CreateTime { get; set; }

    /// <summary>TRANSACTION.SUCCESS, REFUND.SUCCESS, REFUND.ABNORMAL, REFUND.CLOSED...</summary>
    public string EventType { get; set; } = string.Empty;

    public string? ResourceType { get; set; }

    public string? Summary { get; set; }

    public WechatPayEncryptedResource? Resource { get; set; }
}

/// <summary>The encrypted part of a notification (and of each downloaded platform certificate).</summary>
public sealed class WechatPayEncryptedResource
{
    /// <summary>transaction or refund.</summary>
    public string? OriginalType { get; set; }

    public string Algorithm { get; set; } = string.Empty;

    public string Ciphertext { get; set; } = string.Empty;

    public string? AssociatedData { get; set; }

    public string Nonce { get; set; } = string.Empty;
}

/// <summary>A verified and decrypted notification.</summary>
public sealed record WechatPayNotification<TResource>(WechatPayNotificationEnvelope Envelope, TResource Resource)
{
    public string EventType => Envelope.EventType;
}
