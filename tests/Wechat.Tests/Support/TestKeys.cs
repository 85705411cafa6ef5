using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace WechatLoyalty.Wechat.Tests.Support;

/// <summary>Merchant and platform key pairs made per test run, laid out like the simulator's dev key directory.</summary>
internal sealed class TestKeys : IDisposable
{
    public const string PublicKeyId = "PUB_KEY_ID_0114000000TEST";
    public const string ApiV3Key = "0123456789abcdef0123456789abcdef";
    public const string MchId = "1900000001";

    public TestKeys()
    {
        Merchant = RSA.Create(2048);
        Platform = RSA.Create(2048);
        MerchantCertificate = SelfSigned(Merchant, "CN=merchant");
        PlatformCertificate = SelfSigned(Platform, "CN=platform");
        Directory = Path.Combine(Path.GetTempPath(), "wl-keys-" + Guid.NewGuid().ToString("N"));
        System.IO.Directory.CreateDirectory(Path.Combine(Directory, "merchant"));
        System.IO.Directory.CreateDirectory(Path.Combine(Directory, "platform"));
        File.WriteAllText(Path.Combine(Directory, "merchant", "apiclient_key.pem"), Merchant.ExportPkcs8PrivateKeyPem());
        File.WriteAllText(Path.Combine(Directory, "merchant", "apiclient_cert.pem"), MerchantCertificate.ExportCertificatePem());
        File.WriteAllText(Path.Combine(Directory, "platform", "pub_key.pem"), Platform.ExportSubjectPublicKeyInfoPem());
        File.WriteAllText(Path.Combine(Directory, "platform", "pub_key_id.txt"), PublicKeyId + "\n");
        File.WriteAllText(Path.Combine(Directory, "apiv3_key.txt"), ApiV3Key);
    }

    public RSA Merchant { get; }

    public RSA Platform { get; }

    public X509Certificate2 MerchantCertificate { get; }

    public X509Certificate2 PlatformCertificate { get; }

    public string Directory { get; }

    public string MerchantSerial => MerchantCertificate.SerialNumber;

    public string PlatformSerial => PlatformCertificate.SerialNumber;

    public static X509Certificate2 SelfSigned(RSA key, string subject)
    {
        var request = new CertificateRequest(subject, key, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        var serial = RandomNumberGenerator.GetBytes(20);
        serial[0] = (byte)((serial[0] & 0x7F) | 0x10); // positive, no leading zero: .NET and WeChat spell it alike
        using var issuer = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddYears(1));
        return request.Create(issuer.SubjectName, X509SignatureGenerator.CreateForRSA(key, RSASignaturePadding.Pkcs1),
            DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddYears(1), serial);
    }

    public void Dispose()
    {
        Merchant.Dispose();
        Platform.Dispose();
        MerchantCertificate.Dispose();
        PlatformCertificate.Dispose();
        try
        {
            System.IO.Directory.Delete(Directory, recursive: true);
        }
        catch (IOException)
        {
        }
    }
}
