using System.Security.Cryptography;
using System.Text.Json;

namespace WechatLoyalty.Wechat.MiniProgram;

/// <summary>Why open data (encryptedData + iv) was rejected.</summary>
public enum OpenDataError
{
    /// <summary>session_key, iv or encryptedData is not Base64 of the right length.</summary>
    MalformedInput,
    /// <summary>AES-CBC/PKCS#7 failed: a different (rotated) session_key or tampered data.</summary>
    DecryptionFailed,
    /// <summary>The plaintext is not a JSON object.</summary>
    MalformedJson,
    /// <summary>watermark.appid is absent or not ours.</summary>
    AppIdMismatch,
}

public sealed class OpenDataException : Exception
{
    public OpenDataException(OpenDataError reason, string message, Exception? innerException = null)
        : base($"{reason}: {message}", innerException)
    {
        Reason = reason;
    }

    public OpenDataException()
    {
    }

    public OpenDataException(string message)
        : base(message)
    {
    }

    public OpenDataException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    public OpenDataError Reason { get; }
}

/// <summary>
/// Decrypts mini-program open data (wx.getShareInfo, wx.getGroupEnterInfo, legacy user info): AES-128-CBC, PKCS#7,
/// key = Base64(session_key), then checks watermark.appid.
/// https://developers.weixin.qq.com/miniprogram/dev/framework/open-ability/signature.html
/// </summary>
public static class OpenDataCrypto
{
    /// <summary>Returns the decrypted JSON object (the caller owns the document).</summary>
    public static JsonDocument Decrypt(string sessionKey, string iv, string encryptedData, string expectedAppId)
    {
        byte[] key, ivBytes, cipher;
        try
        {
            key = Convert.FromBase64String(sessionKey);
            ivBytes = Convert.FromBase64String(iv);
            cipher = Convert.FromBase64String(encryptedData);
        }
        catch (FormatException ex)
        {
            throw new OpenDataException(OpenDataError.MalformedInput, "not Base64", ex);
        }

        if (key.Length != 16 || ivBytes.Length != 16 || cipher.Length == 0 || cipher.Length % 16 != 0)
        {
            throw new OpenDataException(OpenDataError.MalformedInput, "session_key and iv must be 16 bytes, data whole blocks");
        }

        byte[] plain;
        try
        {
            using var aes = Aes.Create();
            aes.Key = key;
            plain = aes.DecryptCbc(cipher, ivBytes, PaddingMode.PKCS7);
        }
        catch (CryptographicException ex)
        {
            throw new OpenDataException(OpenDataError.DecryptionFailed, "wrong session_key or tampered data", ex);
        }

        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(plain);
        }
        catch (JsonException ex)
        {
            throw new OpenDataException(OpenDataError.MalformedJson, "plaintext is not JSON", ex);
        }

        if (document.RootElement.ValueKind != JsonValueKind.Object
            || !document.RootElement.TryGetProperty("watermark", out var watermark)
            || watermark.ValueKind != JsonValueKind.Object
            || !watermark.TryGetProperty("appid", out var appId)
            || !string.Equals(appId.GetString(), expectedAppId, StringComparison.Ordinal))
        {
            document.Dispose();
            throw new OpenDataException(OpenDataError.AppIdMismatch, "watermark.appid is not ours");
        }

        return document;
    }

    /// <summary>
    /// The group id of a share/group-enter payload: getShareInfo says <c>openGId</c>, getGroupEnterInfo <c>opengid</c>.
    /// </summary>
    public static string DecryptGroupId(string sessionKey, string iv, string encryptedData, string expectedAppId)
    {
        using var document = Decrypt(sessionKey, iv, encryptedData, expectedAppId);
        var root = document.RootElement;
        if ((root.TryGetProperty("openGId", out var id) || root.TryGetProperty("opengid", out id))
            && id.ValueKind == JsonValueKind.String && id.GetString() is { Length: > 0 } groupId)
        {
            return groupId;
        }

        throw new OpenDataException(OpenDataError.MalformedJson, "no openGId/opengid in the payload");
    }
}
