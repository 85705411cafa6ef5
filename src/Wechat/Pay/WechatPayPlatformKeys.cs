using System.Collections.Immutable;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace WechatLoyalty.Wechat.Pay;

/// <summary>
/// The keys WeChat Pay signs with, by <c>Wechatpay-Serial</c>: the WeChat Pay public key (<c>PUB_KEY_ID_...</c>)
/// and/or platform certificates (hex serials). Both at once during a migration; unknown serials find nothing.
/// https://pay.weixin.qq.com/doc/v3/merchant/4012068814
/// </summary>
public sealed class WechatPayPlatformKeys
{
    public const string PublicKeyIdPrefix = "PUB_KEY_ID_";

    private readonly string? _publicKeyId;
    private readonly RSA? _publicKey;
    private ImmutableDictionary<string, (X509Certificate2 Certificate, RSA Key)> _certificates =
        ImmutableDictionary.Create<string, (X509Certificate2, RSA)>(StringComparer.OrdinalIgnoreCase);

    public WechatPayPlatformKeys(string? publicKeyId, RSA? publicKey)
    {
        if (publicKey is not null && (publicKeyId is null || !publicKeyId.StartsWith(PublicKeyIdPrefix, StringComparison.Ordinal)))
        {
            throw new ArgumentException($"A WeChat Pay public key id must start with {PublicKeyIdPrefix}.", nameof(publicKeyId));
        }

        _publicKeyId = publicKey is null ? null : publicKeyId;
        _publicKey = publicKey;
    }

    public IReadOnlyCollection<string> CertificateSerials => _certificates.Keys.ToList();

    /// <summary>
    /// What we send as the Wechatpay-Serial request header: the public key id when we have one, else the
    /// certificate that expires last.
    /// </summary>
    public string? PreferredSerial =>
        _publicKeyId ?? _certificates.OrderByDescending(c => c.Value.Certificate.NotAfter).Select(c => c.Key).FirstOrDefault();

    public bool TryGetKey(string serial, out RSA key)
    {
        if (serial.StartsWith(PublicKeyIdPrefix, StringComparison.Ordinal))
        {
            key = _publicKey!;
            return _publicKey is not null && string.Equals(serial, _publicKeyId, StringComparison.Ordinal);
        }

        if (_certificates.TryGetValue(serial, out var entry))
        {
            key = entry.Key;
            return true;
        }

        key = null!;
        return false;
    }

    /// <summary>Adds or replaces platform certificates (indexed by their own serial, upper-case hex).</summary>
    public void AddCertificates(IEnumerable<X509Certificate2> certificates)
    {
        var list = certificates.ToList();
        ImmutableInterlocked.Update(ref _certificates, current =>
        {
            var builder = current.ToBuilder();
            foreach (var certificate in list)
            {
                var key = certificate.GetRSAPublicKey()
                    ?? throw new ArgumentException($"Platform certificate {CertificateSerial.Of(certificate)} has no RSA key.", nameof(certificates));
                builder[CertificateSerial.Of(certificate)] = (certificate, key);
            }

            return builder.ToImmutable();
        });
    }
}
