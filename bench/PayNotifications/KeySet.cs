using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace WechatLoyalty.PayNotifications;

/// <summary>
/// What WeChat Pay signs and encrypts with, read from a key directory in the simulator's layout
/// (platform/private_key.pem, platform/pub_key_id.txt, apiv3_key.txt; see src/Simulator/Hosting/SimulatorKeys.cs).
/// When the directory is empty the bench writes a complete set in the same layout (merchant key and certificate too,
/// since the API loads them at start), so the API and the bench can both be pointed at it.
/// </summary>
internal sealed record KeySet(string Directory, string PlatformPrivateKeyPem, string PublicKeyId, string ApiV3Key, bool Generated)
{
    public static KeySet LoadOrCreate(string directory, bool mayCreate)
    {
        var privateKey = Path.Combine(directory, "platform", "private_key.pem");
        var generated = false;
        if (!File.Exists(privateKey))
        {
            if (!mayCreate)
                throw new InvalidOperationException($"No platform key in {directory}: start ./run.sh (the simulator writes its keys on first start) or pass --keys.");
            Create(directory);
            generated = true;
        }
        var pem = File.ReadAllText(privateKey);
        var id = File.ReadAllText(Path.Combine(directory, "platform", "pub_key_id.txt")).Trim();
        var apiV3 = File.ReadAllText(Path.Combine(directory, "apiv3_key.txt")).Trim();
        if (apiV3.Length != 32) throw new InvalidOperationException($"{directory}/apiv3_key.txt must hold 32 characters.");
        return new KeySet(directory, pem, id, apiV3, generated);
    }

    private static void Create(string directory)
    {
        var merchant = System.IO.Directory.CreateDirectory(Path.Combine(directory, "merchant")).FullName;
        var platform = System.IO.Directory.CreateDirectory(Path.Combine(directory, "platform")).FullName;
        using var merchantKey = RSA.Create(2048);
        using var platformKey = RSA.Create(2048);
        WritePrivate(Path.Combine(merchant, "apiclient_key.pem"), merchantKey.ExportPkcs8PrivateKeyPem());
        File.WriteAllText(Path.Combine(merchant, "apiclient_cert.pem"), Certificate(merchantKey, "CN=1900000001, O=WechatLoyalty Bench Merchant") + "\n");
        WritePrivate(Path.Combine(platform, "private_key.pem"), platformKey.ExportPkcs8PrivateKeyPem());
        File.WriteAllText(Path.Combine(platform, "platform_cert.pem"), Certificate(platformKey, "CN=Tenpay.com Root CA Bench, O=Tenpay.com") + "\n");
        File.WriteAllText(Path.Combine(platform, "pub_key.pem"), platformKey.ExportSubjectPublicKeyInfoPem() + "\n");
        File.WriteAllText(Path.Combine(platform, "pub_key_id.txt"), "PUB_KEY_ID_0114000000BENCHPAY01\n");
        const string alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
        WritePrivate(Path.Combine(directory, "apiv3_key.txt"), RandomNumberGenerator.GetString(alphabet, 32));
    }

    private static string Certificate(RSA key, string subject)
    {
        var request = new CertificateRequest(subject, key, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        var serial = RandomNumberGenerator.GetBytes(20);
        serial[0] = (byte)((serial[0] & 0x7F) | 0x10);
        var now = DateTimeOffset.UtcNow;
        using var certificate = request.Create(request.SubjectName, X509SignatureGenerator.CreateForRSA(key, RSASignaturePadding.Pkcs1),
            now.AddDays(-1), now.AddYears(5), serial);
        return certificate.ExportCertificatePem();
    }

    private static void WritePrivate(string path, string text)
    {
        File.WriteAllText(path, text + "\n");
        if (!OperatingSystem.IsWindows()) File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite);
    }
}
