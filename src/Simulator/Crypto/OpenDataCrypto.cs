using System.Security.Cryptography;
using System.Text;

namespace WechatLoyalty.Simulator.Crypto;

/// <summary>Mini-program open data (wx.getShareInfo, wx.getGroupEnterInfo): AES-128-CBC, PKCS#7, key = session_key.</summary>
public static class OpenDataCrypto
{
    public static (string EncryptedData, string Iv) Encrypt(string sessionKeyBase64, string json)
    {
        var iv = RandomNumberGenerator.GetBytes(16);
        using var aes = Aes.Create();
        aes.Key = Convert.FromBase64String(sessionKeyBase64);
        var cipher = aes.EncryptCbc(Encoding.UTF8.GetBytes(json), iv, PaddingMode.PKCS7);
        return (Convert.ToBase64String(cipher), Convert.ToBase64String(iv));
    }
}
