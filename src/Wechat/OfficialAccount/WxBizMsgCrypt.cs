using System.Buffers.Binary;
using System.Security.Cryptography;
using System.Text;

namespace WechatLoyalty.Wechat.OfficialAccount;

/// <summary>
/// Safe-mode message crypto (WXBizMsgCrypt): AES-256-CBC, key = Base64(EncodingAESKey + "="), IV = key[0..16],
/// plaintext = random16 ‖ BE32 length ‖ msg ‖ appid, PKCS#7 padded to 32-byte blocks by hand (.NET's PKCS7 mode
/// rejects pads over 16). https://developers.weixin.qq.com/doc/service/guide/dev/push/encryption.html
/// </summary>
public sealed class WxBizMsgCrypt
{
    private const int BlockSize = 32;
    private readonly byte[] _key;
    private readonly string _token;
    private readonly string _appId;

    public WxBizMsgCrypt(string token, string encodingAesKey, string appId)
    {
        if (encodingAesKey is not { Length: 43 })
        {
            throw new ArgumentException("EncodingAESKey must be 43 characters.", nameof(encodingAesKey));
        }

        // Convert.FromBase64String tolerates the non-canonical last character real keys can have; keep it lenient.
        _key = Convert.FromBase64String(encodingAesKey + "=");
        _token = token;
        _appId = appId;
    }

    public string Signature(string timestamp, string nonce, string encrypt) => OaSignature.Compute(_token, timestamp, nonce, encrypt);

    public bool VerifySignature(string? msgSignature, string timestamp, string nonce, string encrypt) =>
        OaSignature.Verify(msgSignature, _token, timestamp, nonce, encrypt);

    /// <summary>Encrypts a reply with fresh random bytes.</summary>
    public string Encrypt(string message) => Encrypt(message, RandomNumberGenerator.GetBytes(16));

    /// <summary>Deterministic form for test vectors.</summary>
    public string Encrypt(string message, ReadOnlySpan<byte> random16)
    {
        if (random16.Length != 16)
        {
            throw new ArgumentException("Exactly 16 random bytes are required.", nameof(random16));
        }

        var msg = Encoding.UTF8.GetBytes(message);
        var appId = Encoding.ASCII.GetBytes(_appId);
        var length = 16 + 4 + msg.Length + appId.Length;
        var pad = BlockSize - (length % BlockSize);
        var plain = new byte[length + pad];
        random16.CopyTo(plain);
        BinaryPrimitives.WriteInt32BigEndian(plain.AsSpan(16), msg.Length);
        msg.CopyTo(plain, 20);
        appId.CopyTo(plain, 20 + msg.Length);
        plain.AsSpan(length).Fill((byte)pad);

        using var aes = Aes.Create();
        aes.Key = _key;
        return Convert.ToBase64String(aes.EncryptCbc(plain, _key.AsSpan(0, 16), PaddingMode.None));
    }

    /// <summary>Decrypts and checks the trailing appid; throws <see cref="OaMessageException"/>.</summary>
    public string Decrypt(string encrypt)
    {
        var (message, appId) = DecryptWithoutAppIdCheck(encrypt);
        if (!string.Equals(appId, _appId, StringComparison.Ordinal))
        {
            throw new OaMessageException(OaMessageError.AppIdMismatch, $"message is for appid '{appId}'");
        }

        return message;
    }

    internal (string Message, string AppId) DecryptWithoutAppIdCheck(string encrypt)
    {
        byte[] plain;
        try
        {
            var cipher = Convert.FromBase64String(encrypt);
            using var aes = Aes.Create();
            aes.Key = _key;
            plain = aes.DecryptCbc(cipher, _key.AsSpan(0, 16), PaddingMode.None);
        }
        catch (Exception ex) when (ex is FormatException or CryptographicException)
        {
            throw new OaMessageException(OaMessageError.DecryptionFailed, "Encrypt is not valid AES-CBC data", ex);
        }

        var pad = plain.Length == 0 ? 0 : plain[^1];
        if (pad is < 1 or > BlockSize || plain.Length - pad < 20)
        {
            throw new OaMessageException(OaMessageError.DecryptionFailed, "bad padding");
        }

        var content = plain.AsSpan(0, plain.Length - pad);
        var msgLength = BinaryPrimitives.ReadInt32BigEndian(content.Slice(16, 4));
        if (msgLength < 0 || 20 + msgLength > content.Length)
        {
            throw new OaMessageException(OaMessageError.DecryptionFailed, "bad length prefix");
        }

        var message = Encoding.UTF8.GetString(content.Slice(20, msgLength));
        var appId = Encoding.ASCII.GetString(content[(20 + msgLength)..]);
        return (message, appId);
    }
}
