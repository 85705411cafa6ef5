using System.Security.Cryptography;
using System.Text;

namespace WechatLoyalty.Wechat.Pay;

/// <summary>
/// AEAD_AES_256_GCM as WeChat Pay uses it: key = APIv3 key (UTF-8), nonce and associated_data as UTF-8, ciphertext =
/// Base64(encrypted ‖ 16-byte tag). https://pay.weixin.qq.com/doc/v3/merchant/4012071382
/// </summary>
public static class ApiV3Aead
{
    public const string Algorithm = "AEAD_AES_256_GCM";
    private const int TagSize = 16;

    /// <summary>Decrypts to plaintext bytes; throws <see cref="WechatPayVerificationException"/> (DecryptionFailed).</summary>
    /// <remarks>AES-128/192 keys are accepted too, only so the published wechatpay-go vector (16-byte key) can run;
    /// options validation insists on 32 bytes.</remarks>
    public static byte[] Decrypt(ReadOnlySpan<byte> key, string nonce, string? associatedData, string ciphertextBase64)
    {
        try
        {
            var data = Convert.FromBase64String(ciphertextBase64);
            if (data.Length < TagSize)
            {
                throw new WechatPayVerificationException(WechatPayVerificationError.DecryptionFailed, "ciphertext shorter than the GCM tag");
            }

            var plaintext = new byte[data.Length - TagSize];
            using var aes = new AesGcm(key, TagSize);
            aes.Decrypt(
                Encoding.UTF8.GetBytes(nonce),
                data.AsSpan(0, plaintext.Length),
                data.AsSpan(plaintext.Length),
                plaintext,
                Encoding.UTF8.GetBytes(associatedData ?? string.Empty));
            return plaintext;
        }
        catch (Exception ex) when (ex is CryptographicException or FormatException or ArgumentException)
        {
            // Almost always the APIv2 key configured as the APIv3 key, or a tampered message.
            throw new WechatPayVerificationException(WechatPayVerificationError.DecryptionFailed, "AES-GCM decryption failed (tampered data or wrong APIv3 key)", ex);
        }
    }

    /// <summary>The reverse, for tests and the simulator's side of the protocol.</summary>
    public static string Encrypt(ReadOnlySpan<byte> key, string nonce, string? associatedData, ReadOnlySpan<byte> plaintext)
    {
        var output = new byte[plaintext.Length + TagSize];
        using var aes = new AesGcm(key, TagSize);
        aes.Encrypt(
            Encoding.UTF8.GetBytes(nonce),
            plaintext,
            output.AsSpan(0, plaintext.Length),
            output.AsSpan(plaintext.Length),
            Encoding.UTF8.GetBytes(associatedData ?? string.Empty));
        return Convert.ToBase64String(output);
    }
}
