using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text;

namespace WechatLoyalty.Wechat.Pay;

/// <summary>
/// Turns <see cref="WechatPayOptions"/> into key objects. Every failure names the setting to fix, because a wrong key
/// file or serial only shows up later as an opaque SIGN_ERROR from WeChat.
/// </summary>
internal static class WechatPayKeyLoader
{
    public static MerchantSigner LoadMerchant(WechatPayOptions options)
    {
        var pem = ReadPem(options.MerchantPrivateKeyPem, options.MerchantPrivateKeyPath, "MerchantPrivateKeyPem", "MerchantPrivateKeyPath");
        var key = RSA.Create();
        try
        {
            key.ImportFromPem(pem);
        }
        catch (Exception ex) when (ex is ArgumentException or CryptographicException)
        {
            key.Dispose();
            throw new WechatPayConfigurationException("Wechat:Pay:MerchantPrivateKeyPath/MerchantPrivateKeyPem does not hold a PEM RSA private key.", ex);
        }

        if (key.KeySize < 2048)
        {
            key.Dispose();
            throw new WechatPayConfigurationException("Wechat:Pay:MerchantPrivateKeyPath/MerchantPrivateKeyPem must be an RSA key of at least 2048 bits.");
        }

        var serial = options.MerchantCertificateSerial?.Trim();
        if (!string.IsNullOrWhiteSpace(options.MerchantCertificatePath))
        {
            using var certificate = LoadCertificate(options.MerchantCertificatePath, "Wechat:Pay:MerchantCertificatePath");
            using var certificateKey = certificate.GetRSAPublicKey()
                ?? throw new WechatPayConfigurationException("Wechat:Pay:MerchantCertificatePath is not an RSA certificate.");
            if (!SamePublicKey(key, certificateKey))
            {
                key.Dispose();
                throw new WechatPayConfigurationException("Wechat:Pay:MerchantCertificatePath does not match the merchant private key (wrong apiclient_key.pem?).");
            }

            if (!string.IsNullOrEmpty(serial) && !string.Equals(serial, CertificateSerial.Of(certificate), StringComparison.OrdinalIgnoreCase))
            {
                key.Dispose();
                throw new WechatPayConfigurationException($"Wechat:Pay:MerchantCertificateSerial '{serial}' differs from the serial of Wechat:Pay:MerchantCertificatePath ({CertificateSerial.Of(certificate)}).");
            }

            serial = CertificateSerial.Of(certificate);
        }

        if (string.IsNullOrWhiteSpace(serial))
        {
            key.Dispose();
            throw new WechatPayConfigurationException("Wechat:Pay:MerchantCertificateSerial is required when Wechat:Pay:MerchantCertificatePath is not set.");
        }

        return new MerchantSigner(options.MchId, serial.ToUpperInvariant(), key);
    }

    /// <summary>The WeChat Pay public key (SubjectPublicKeyInfo PEM), or null when the merchant uses certificates only.</summary>
    public static RSA? LoadPlatformPublicKey(WechatPayOptions options)
    {
        if (!options.HasPublicKey)
        {
            return null;
        }

        var pem = ReadPem(options.PlatformPublicKeyPem, options.PlatformPublicKeyPath, "PlatformPublicKeyPem", "PlatformPublicKeyPath");
        var key = RSA.Create();
        try
        {
            key.ImportFromPem(pem);
            return key;
        }
        catch (Exception ex) when (ex is ArgumentException or CryptographicException)
        {
            key.Dispose();
            throw new WechatPayConfigurationException("Wechat:Pay:PlatformPublicKeyPath/PlatformPublicKeyPem does not hold a PEM public key.", ex);
        }
    }

    public static byte[] ApiV3KeyBytes(WechatPayOptions options) => Encoding.UTF8.GetBytes(options.ApiV3Key);

    internal static bool SamePublicKey(RSA a, RSA b)
    {
        var pa = a.ExportParameters(false);
        var pb = b.ExportParameters(false);
        return pa.Modulus.AsSpan().SequenceEqual(pb.Modulus) && pa.Exponent.AsSpan().SequenceEqual(pb.Exponent);
    }

    private static X509Certificate2 LoadCertificate(string path, string setting)
    {
        try
        {
            return X509Certificate2.CreateFromPem(File.ReadAllText(path));
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or CryptographicException or ArgumentException)
        {
            throw new WechatPayConfigurationException($"{setting} '{path}' is not a readable PEM certificate: {ex.Message}", ex);
        }
    }

    private static string ReadPem(string? inline, string? path, string inlineSetting, string pathSetting)
    {
        if (!string.IsNullOrWhiteSpace(inline))
        {
            return inline;
        }

        if (string.IsNullOrWhiteSpace(path))
        {
            throw new WechatPayConfigurationException($"Wechat:Pay:{pathSetting} or Wechat:Pay:{inlineSetting} is required.");
        }

        try
        {
            return File.ReadAllText(path);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw new WechatPayConfigurationException($"Wechat:Pay:{pathSetting} '{path}' cannot be read: {ex.Message}", ex);
        }
    }
}

/// <summary>Key material in <c>Wechat:Pay</c> is missing, unreadable or inconsistent.</summary>
public sealed class WechatPayConfigurationException : Exception
{
    public WechatPayConfigurationException()
    {
    }

    public WechatPayConfigurationException(string message)
        : base(message)
    {
    }

    public WechatPayConfigurationException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
