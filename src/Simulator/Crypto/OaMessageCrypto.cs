using System.Buffers.Binary;
using System.Security.Cryptography;
using System.Text;

namespace WechatLoyalty.Simulator.Crypto;

/// <summary>OA safe mode: AES-256-CBC, key = Base64(EncodingAESKey + "="), IV = key[0..16], manual 32-byte PKCS#7,
/// plaintext = random16 ‖ BE32(len) ‖ msg ‖ appid.</summary>
public sealed class OaMessageCrypto
{
    private const int Block = 32;
    private readonly byte[] _key;
    private readonly string _appId;

    public OaMessageCrypto(string encodingAesKey, string appId)
    {
        _key = Convert.FromBase64String(encodingAesKey + "=");
        if (_key.Length != 32)
        {
            throw new ArgumentException("EncodingAESKey must decode to 32 bytes.", nameof(encodingAesKey));
        }

        _appId = appId;
    }

    public string Encrypt(string message, byte[]? random16 = null)
    {
        var msg = Encoding.UTF8.GetBytes(message);
        var appId = Encoding.ASCII.GetBytes(_appId);
        var length = 16 + 4 + msg.Length + appId.Length;
        var pad = Block - (length % Block);
        var plain = new byte[length + pad];
        (random16 ?? RandomNumberGenerator.GetBytes(16)).CopyTo(plain, 0);
        BinaryPrimitives.WriteInt32BigEndian(plain.AsSpan(16, 4), msg.Length);
        msg.CopyTo(plain, 20);
        appId.CopyTo(plain, 20 + msg.Length);
        plain.AsSpan(length).Fill((byte)pad);

        using var aes = Aes.Create();
        aes.Key = _key;
        return Convert.ToBase64String(aes.EncryptCbc(plain, _key.AsSpan(0, 16), PaddingMode.None));
    }

    /// <summary>Decrypts and checks the trailing appid; throws <see cref="CryptographicException"/> on any defect.</summary>
    public string Decrypt(string encrypted)
    {
        using var aes = Aes.Create();
        aes.Key = _key;
        var plain = aes.DecryptCbc(Convert.FromBase64String(encrypted), _key.AsSpan(0, 16), PaddingMode.None);
        var pad = plain.Length == 0 ? 0 : plain[^1];
        if (pad is < 1 or > Block || pad > plain.Length - 20)
        {
            throw new CryptographicException("Invalid padding.");
        }

        var content = plain.AsSpan(0, plain.Length - pad);
        var msgLength = BinaryPrimitives.ReadInt32BigEndian(content.Slice(16, 4));
        if (msgLength < 0 || 20 + msgLength > content.Length)
        {
            throw new CryptographicException("Invalid message length.");
        }

        var appId = Encoding.ASCII.GetString(content[(20 + msgLength)..]);
        if (!string.Equals(appId, _appId, StringComparison.Ordinal))
        {
            throw new CryptographicException($"AppId mismatch: {appId}.");
        }

        return Encoding.UTF8.GetString(content.Slice(20, msgLength));
    }
}
