using System.Diagnostics.CodeAnalysis;
using System.Security.Cryptography;
using System.Text;

namespace WechatLoyalty.Simulator.Crypto;

/// <summary>The OA SHA-1 signatures: URL signature over (token, timestamp, nonce), msg_signature adds Encrypt.</summary>
public static class WxSignature
{
    [SuppressMessage("Security", "CA5350:Do Not Use Weak Cryptographic Algorithms", Justification = "WeChat's wire protocol mandates SHA-1.")]
    public static string Sha1Sorted(params string[] parts)
    {
        var sorted = parts.ToArray();
        Array.Sort(sorted, StringComparer.Ordinal);
        var hash = SHA1.HashData(Encoding.UTF8.GetBytes(string.Concat(sorted)));
        return Convert.ToHexStringLower(hash);
    }
}
