using System.Security.Cryptography;
using System.Text;

namespace WechatLoyalty.Wechat.Pay;

/// <summary>
/// The merchant private key and its certificate serial: signs API requests (Authorization) and the mini-program
/// paySign. https://pay.weixin.qq.com/doc/v3/merchant/4012365342
/// </summary>
public sealed class MerchantSigner : IDisposable
{
    public const string Scheme = "WECHATPAY2-SHA256-RSA2048";

    private readonly RSA _privateKey;

    public MerchantSigner(string mchId, string certificateSerial, RSA privateKey)
    {
        MchId = mchId;
        CertificateSerial = certificateSerial;
        _privateKey = privateKey;
    }

    public string MchId { get; }

    /// <summary>The MERCHANT certificate serial that goes into serial_no (never the platform one).</summary>
    public string CertificateSerial { get; }

    /// <summary>Base64(RSA-SHA256-PKCS1v1.5(message)).</summary>
    public string Sign(ReadOnlySpan<byte> message) =>
        Convert.ToBase64String(_privateKey.SignData(message, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1));

    public string Sign(string message) => Sign(Encoding.UTF8.GetBytes(message));

    /// <summary>
    /// The request message <c>METHOD\nPathAndQuery\ntimestamp\nnonce\nbody\n</c>, built from the exact body bytes
    /// that go on the wire (never a re-serialization).
    /// </summary>
    public static byte[] BuildRequestMessage(string method, string pathAndQuery, string timestamp, string nonce, ReadOnlySpan<byte> body)
    {
        var head = Encoding.UTF8.GetBytes($"{method}\n{pathAndQuery}\n{timestamp}\n{nonce}\n");
        var message = new byte[head.Length + body.Length + 1];
        head.CopyTo(message, 0);
        body.CopyTo(message.AsSpan(head.Length));
        message[^1] = (byte)'\n';
        return message;
    }

    /// <summary>The Authorization header value (parameter order is free; values are quoted).</summary>
    public string BuildAuthorization(string method, string pathAndQuery, string timestamp, string nonce, ReadOnlySpan<byte> body)
    {
        var signature = Sign(BuildRequestMessage(method, pathAndQuery, timestamp, nonce, body));
        return $"{Scheme} mchid=\"{MchId}\",nonce_str=\"{nonce}\",signature=\"{signature}\",timestamp=\"{timestamp}\",serial_no=\"{CertificateSerial}\"";
    }

    public void Dispose() => _privateKey.Dispose();
}
