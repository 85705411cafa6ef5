using System.Security.Cryptography;
using System.Text;

namespace WechatLoyalty.Simulator.Crypto;

/// <summary>WeChat Pay APIv3 primitives: RSA-SHA256 PKCS#1 v1.5 signatures and AEAD_AES_256_GCM resources.</summary>
public static class PayCrypto
{
    private const string Alphanumeric = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";

    public static string Sign(RSA key, string message) =>
        Convert.ToBase64String(key.SignData(Encoding.UTF8.GetBytes(message), HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1));

    public static bool Verify(RSA key, string message, string signatureBase64)
    {
        Span<byte> signature = stackalloc byte[512];
        return Convert.TryFromBase64String(signatureBase64, signature, out var written)
            && key.VerifyData(Encoding.UTF8.GetBytes(message), signature[..written], HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
    }

    /// <summary>Returns Base64(ciphertext ‖ tag) as WeChat puts it in <c>resource.ciphertext</c>.</summary>
    public static string GcmEncrypt(string apiV3Key, string nonce, string associatedData, string plaintext)
    {
        var plain = Encoding.UTF8.GetBytes(plaintext);
        var output = new byte[plain.Length + 16];
        using var gcm = new AesGcm(Encoding.UTF8.GetBytes(apiV3Key), 16);
        gcm.Encrypt(Encoding.UTF8.GetBytes(nonce), plain, output.AsSpan(0, plain.Length), output.AsSpan(plain.Length),
            Encoding.UTF8.GetBytes(associatedData));
        return Convert.ToBase64String(output);
    }

    public static string GcmDecrypt(string apiV3Key, string nonce, string associatedData, string ciphertextBase64)
    {
        var data = Convert.FromBase64String(ciphertextBase64);
        var plain = new byte[data.Length - 16];
        using var gcm = new AesGcm(Encoding.UTF8.GetBytes(apiV3Key), 16);
        gcm.Decrypt(Encoding.UTF8.GetBytes(nonce), data.AsSpan(0, plain.Length), data.AsSpan(plain.Length), plain,
            Encoding.UTF8.GetBytes(associatedData));
        return Encoding.UTF8.GetString(plain);
    }

    public static string RandomString(int length) => RandomNumberGenerator.GetString(Alphanumeric, length);
}
