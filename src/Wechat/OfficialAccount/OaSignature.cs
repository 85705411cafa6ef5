using System.Security.Cryptography;
using System.Text;

namespace WechatLoyalty.Wechat.OfficialAccount;

/// <summary>
/// sha1 over the ordinal-sorted concatenation of the parts, lowercase hex: the URL signature (token, timestamp,
/// nonce) and the safe-mode msg_signature (plus Encrypt).
/// https://developers.weixin.qq.com/doc/service/guide/dev/push/
/// </summary>
public static class OaSignature
{
    public static string Compute(params string[] parts)
    {
        var sorted = (string[])parts.Clone();
        // Ordinal, never culture-aware: a culture sort can reorder mixed-case strings and break the signature.
        Array.Sort(sorted, StringComparer.Ordinal);
#pragma warning disable CA5350 // SHA-1 is what WeChat's protocol mandates; we cannot choose another hash.
        return Convert.ToHexStringLower(SHA1.HashData(Encoding.UTF8.GetBytes(string.Concat(sorted))));
#pragma warning restore CA5350
    }

    /// <summary>Constant-time, case-insensitive comparison of a received signature with the expected one.</summary>
    public static bool Verify(string? received, params string[] parts)
    {
        if (string.IsNullOrEmpty(received))
        {
            return false;
        }

        var expected = Encoding.ASCII.GetBytes(Compute(parts));
        var actual = Encoding.ASCII.GetBytes(received.ToLowerInvariant());
        return CryptographicOperations.FixedTimeEquals(expected, actual);
    }

    /// <summary>GET URL verification: echo <c>echostr</c> only when this is true.</summary>
    public static bool VerifyUrl(string token, string? signature, string? timestamp, string? nonce) =>
        timestamp is not null && nonce is not null && Verify(signature, token, timestamp, nonce);
}
