using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace WechatLoyalty.Simulator.Hosting;

/// <summary>
/// The key material a merchant downloads from the console, plus the platform private key only WeChat holds.
/// Layout in <see cref="SimulatorOptions.KeysDirectory"/>: merchant/apiclient_key.pem, merchant/apiclient_cert.pem,
/// platform/pub_key.pem, platform/pub_key_id.txt, platform/private_key.pem, platform/platform_cert.pem, apiv3_key.txt.
/// </summary>
public sealed class SimulatorKeys : IDisposable
{
    private SimulatorKeys(RSA merchantKey, X509Certificate2 merchantCertificate, RSA platformKey, X509Certificate2 platformCertificate,
        string publicKeyId, string apiV3Key)
    {
        MerchantPrivateKey = merchantKey;
        MerchantCertificate = merchantCertificate;
        PlatformPrivateKey = platformKey;
        PlatformCertificate = platformCertificate;
        PublicKeyId = publicKeyId;
        ApiV3Key = apiV3Key;
        PlatformPublicKeyPem = platformKey.ExportSubjectPublicKeyInfoPem();
        MerchantPublicKey = merchantCertificate.GetRSAPublicKey()!;
    }

    /// <summary>apiclient_key.pem: what our backend signs requests with.</summary>
    public RSA MerchantPrivateKey { get; }

    /// <summary>apiclient_cert.pem; its serial (as WeChat spells it, see <see cref="SerialOf"/>) is the merchant serial_no.</summary>
    public X509Certificate2 MerchantCertificate { get; }

    public string MerchantSerialNumber => SerialOf(MerchantCertificate);

    /// <summary>The key WeChat verifies our Authorization header with (from the certificate it issued).</summary>
    public RSA MerchantPublicKey { get; }

    /// <summary>WeChat's side only: signs responses and notifications.</summary>
    internal RSA PlatformPrivateKey { get; }

    /// <summary>Certificate-mode view of the platform key (served by GET /v3/certificates).</summary>
    public X509Certificate2 PlatformCertificate { get; }

    public string PlatformCertificateSerial => SerialOf(PlatformCertificate);

    /// <summary>pub_key.pem: SubjectPublicKeyInfo PEM of the WeChat Pay public key.</summary>
    public string PlatformPublicKeyPem { get; }

    public string PublicKeyId { get; }

    public string ApiV3Key { get; }

    /// <summary>
    /// A certificate serial as WeChat Pay writes it: upper-case hex of the serial integer's magnitude, without the DER
    /// sign byte. <see cref="X509Certificate2.SerialNumber"/> keeps a leading 00 when the first byte has its high bit
    /// set (00E90A85... vs WeChat's E90A85...), so a merchant sending WeChat's spelling would get SIGN_ERROR.
    /// </summary>
    public static string SerialOf(X509Certificate2 certificate)
    {
        var bytes = certificate.SerialNumberBytes.Span;
        var start = 0;
        while (start < bytes.Length - 1 && bytes[start] == 0)
        {
            start++;
        }

        return Convert.ToHexString(bytes[start..]);
    }

    public RSA CreatePlatformPublicKey()
    {
        var rsa = RSA.Create();
        rsa.ImportFromPem(PlatformPublicKeyPem);
        return rsa;
    }

    public static SimulatorKeys CreateInMemory(SimulatorOptions options)
    {
        var merchantKey = RSA.Create(2048);
        var platformKey = RSA.Create(2048);
        return new SimulatorKeys(merchantKey, IssueCertificate(merchantKey, $"CN={options.Pay.MchId}, O=WechatLoyalty Simulator Merchant"),
            platformKey, IssueCertificate(platformKey, "CN=Tenpay.com Root CA Simulator, O=Tenpay.com"), options.Pay.PublicKeyId, options.Pay.ApiV3Key);
    }

    /// <summary>Creates the files on first start, reuses them afterwards (the merchant serial stays stable).</summary>
    public static SimulatorKeys LoadOrCreate(SimulatorOptions options, string directory)
    {
        var merchantDir = Directory.CreateDirectory(Path.Combine(directory, "merchant")).FullName;
        var platformDir = Directory.CreateDirectory(Path.Combine(directory, "platform")).FullName;
        var merchantKey = LoadOrCreateKey(Path.Combine(merchantDir, "apiclient_key.pem"));
        var platformKey = LoadOrCreateKey(Path.Combine(platformDir, "private_key.pem"));
        var merchantCert = LoadOrCreateCertificate(Path.Combine(merchantDir, "apiclient_cert.pem"), merchantKey,
            $"CN={options.Pay.MchId}, O=WechatLoyalty Simulator Merchant");
        var platformCert = LoadOrCreateCertificate(Path.Combine(platformDir, "platform_cert.pem"), platformKey,
            "CN=Tenpay.com Root CA Simulator, O=Tenpay.com");
        File.WriteAllText(Path.Combine(platformDir, "pub_key.pem"), platformKey.ExportSubjectPublicKeyInfoPem() + "\n");
        File.WriteAllText(Path.Combine(platformDir, "pub_key_id.txt"), options.Pay.PublicKeyId + "\n");
        File.WriteAllText(Path.Combine(directory, "apiv3_key.txt"), options.Pay.ApiV3Key + "\n");
        return new SimulatorKeys(merchantKey, merchantCert, platformKey, platformCert, options.Pay.PublicKeyId, options.Pay.ApiV3Key);
    }

    private static RSA LoadOrCreateKey(string path)
    {
        var rsa = RSA.Create(2048);
        if (File.Exists(path))
        {
            rsa.ImportFromPem(File.ReadAllText(path));
            return rsa;
        }

        File.WriteAllText(path, rsa.ExportPkcs8PrivateKeyPem() + "\n");
        if (!OperatingSystem.IsWindows())
        {
            File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite);
        }

        return rsa;
    }

    private static X509Certificate2 LoadOrCreateCertificate(string path, RSA key, string subject)
    {
        if (File.Exists(path))
        {
            var existing = X509Certificate2.CreateFromPem(File.ReadAllText(path));
            using var publicKey = existing.GetRSAPublicKey();
            if (publicKey is not null && publicKey.ExportSubjectPublicKeyInfo().AsSpan().SequenceEqual(key.ExportSubjectPublicKeyInfo()))
            {
                return existing;
            }

            existing.Dispose();
        }

        var certificate = IssueCertificate(key, subject);
        File.WriteAllText(path, certificate.ExportCertificatePem() + "\n");
        return certificate;
    }

    private static X509Certificate2 IssueCertificate(RSA key, string subject)
    {
        var request = new CertificateRequest(subject, key, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        var serial = RandomNumberGenerator.GetBytes(20);
        serial[0] &= 0x7F; // positive, 20 bytes: the 40-hex-digit serials WeChat issues
        serial[0] |= 0x10;
        var now = DateTimeOffset.UtcNow;
        using var signed = request.Create(request.SubjectName, X509SignatureGenerator.CreateForRSA(key, RSASignaturePadding.Pkcs1),
            now.AddDays(-1), now.AddYears(5), serial);
        return X509CertificateLoader.LoadCertificate(signed.RawData);
    }

    public void Dispose()
    {
        MerchantPrivateKey.Dispose();
        MerchantPublicKey.Dispose();
        PlatformPrivateKey.Dispose();
        MerchantCertificate.Dispose();
        PlatformCertificate.Dispose();
    }
}
