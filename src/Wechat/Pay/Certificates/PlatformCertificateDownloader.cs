using System.Security.Cryptography.X509Certificates;
using System.Text;
using Microsoft.Extensions.Options;
using WechatLoyalty.Wechat.Http;

namespace WechatLoyalty.Wechat.Pay.Certificates;

/// <summary>
/// Certificate mode: downloads /v3/certificates, decrypts each certificate with the APIv3 key, checks that the
/// answer is signed by one of them (it cannot be verified before decrypting), then adds them to the key registry.
/// New merchants (public-key mode only) get an error here; they should not enable certificate mode.
/// https://pay.weixin.qq.com/doc/v3/merchant/4012551764
/// </summary>
public sealed class PlatformCertificateDownloader(
    HttpClient http, WechatPayPlatformKeys keys, IOptions<WechatPayOptions> options, TimeProvider time)
{
    public const string HttpClientName = "WechatPayCertificates";

    public async Task<IReadOnlyList<X509Certificate2>> RefreshAsync(CancellationToken cancellationToken = default)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, "v3/certificates");
        request.Options.Set(WechatRequestOptions.SkipResponseVerification, true);
        using var response = await http.SendAsync(request, cancellationToken);
        if (!response.IsSuccessStatusCode)
        {
            throw await WechatPayClient.ReadErrorAsync(response, cancellationToken);
        }

        var body = await response.Content.ReadAsByteArrayAsync(cancellationToken);
        var certificates = Decrypt(WechatJson.Deserialize<CertificatesResponse>(body));

        var candidates = new WechatPayPlatformKeys(null, null);
        candidates.AddCertificates(certificates);
        var verifier = new WechatPaySignatureVerifier(candidates, time, options.Value.MaxClockSkew);
        var headers = WechatPaySignatureHeaders.From(name => response.Headers.TryGetValues(name, out var v) ? v.FirstOrDefault() : null);
        if (verifier.Verify(headers, body) is { } error)
        {
            throw new WechatPayVerificationException(error, "the /v3/certificates answer is not signed by a certificate it contains");
        }

        keys.AddCertificates(certificates);
        return certificates;
    }

    private List<X509Certificate2> Decrypt(CertificatesResponse response)
    {
        var certificates = new List<X509Certificate2>();
        foreach (var item in response.Data)
        {
            var encrypted = item.EncryptCertificate;
            var pem = ApiV3Aead.Decrypt(WechatPayKeyLoader.ApiV3KeyBytes(options.Value), encrypted.Nonce, encrypted.AssociatedData, encrypted.Ciphertext);
            var certificate = X509Certificate2.CreateFromPem(Encoding.UTF8.GetString(pem));
            if (!string.Equals(CertificateSerial.Of(certificate), item.SerialNo, StringComparison.OrdinalIgnoreCase))
            {
                throw new WechatPayVerificationException(WechatPayVerificationError.UnknownSerial,
                    $"certificate serial {CertificateSerial.Of(certificate)} differs from serial_no {item.SerialNo}");
            }

            certificates.Add(certificate);
        }

        return certificates;
    }
}
