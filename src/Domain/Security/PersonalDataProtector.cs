using System.Security.Cryptography;
using System.Text;

namespace WechatLoyalty.Domain.Security;

/// <summary>
/// Encrypts personal data at rest (phone numbers, WeChat session keys) with AES-256-GCM and computes keyed hashes
/// (HMAC-SHA256) for uniqueness checks without plaintext. Ciphertext layout: version(1) ‖ nonce(12) ‖ tag(16) ‖ data,
/// so a future key rotation can tell versions apart.
/// </summary>
public sealed class PersonalDataProtector
{
    private const byte Version = 1;
    private const int NonceSize = 12;
    private const int TagSize = 16;
    private readonly byte[] _encryptionKey;
    private readonly byte[] _hashKey;

    public PersonalDataProtector(byte[] encryptionKey, byte[] hashKey)
    {
        if (encryptionKey.Length != 32) throw new ArgumentException("The encryption key must be 32 bytes.", nameof(encryptionKey));
        if (hashKey.Length < 32) throw new ArgumentException("The hash key must be at least 32 bytes.", nameof(hashKey));
        _encryptionKey = encryptionKey;
        _hashKey = hashKey;
    }

    public byte[] Encrypt(string plaintext, string purpose)
    {
        var data = Encoding.UTF8.GetBytes(plaintext);
        var output = new byte[1 + NonceSize + TagSize + data.Length];
        output[0] = Version;
        var nonce = output.AsSpan(1, NonceSize);
        RandomNumberGenerator.Fill(nonce);
        using var aes = new AesGcm(_encryptionKey, TagSize);
        // The purpose is authenticated data: a phone ciphertext cannot be replayed as a session key.
        aes.Encrypt(nonce, data, output.AsSpan(1 + NonceSize + TagSize), output.AsSpan(1 + NonceSize, TagSize), Encoding.UTF8.GetBytes(purpose));
        return output;
    }

    public string Decrypt(byte[] ciphertext, string purpose)
    {
        if (ciphertext.Length < 1 + NonceSize + TagSize || ciphertext[0] != Version)
            throw new CryptographicException("Unknown ciphertext format.");
        var data = new byte[ciphertext.Length - 1 - NonceSize - TagSize];
        using var aes = new AesGcm(_encryptionKey, TagSize);
        aes.Decrypt(ciphertext.AsSpan(1, NonceSize), ciphertext.AsSpan(1 + NonceSize + TagSize),
            ciphertext.AsSpan(1 + NonceSize, TagSize), data, Encoding.UTF8.GetBytes(purpose));
        return Encoding.UTF8.GetString(data);
    }

    public byte[] Hash(string value, string purpose) =>
        HMACSHA256.HashData(_hashKey, Encoding.UTF8.GetBytes(purpose + "\n" + value));

    /// <summary>A keyed MAC for short-lived signed values (dynamic member codes).</summary>
    public byte[] Mac(ReadOnlySpan<byte> data) => HMACSHA256.HashData(_hashKey, data);
}
