using WechatLoyalty.Wechat.Pay.Notifications;

namespace WechatLoyalty.Wechat.Pay.Certificates;

/// <summary>
/// GET /v3/certificates: platform certificates, each encrypted with the APIv3 key (associated_data "certificate").
/// https://pay.weixin.qq.com/doc/v3/merchant/4012551764
/// </summary>
public sealed class CertificatesResponse
{
    public List<CertificateItem> Data { get; set; } = [];

    public sealed class CertificateItem
    {
        public string SerialNo { get; set; } = string.Empty;

        public DateTimeOffset? EffectiveTime { get; set; }

        public DateTimeOffset? ExpireTime { get; set; }

        public WechatPayEncryptedResource EncryptCertificate { get; set; } = new();
    }
}
