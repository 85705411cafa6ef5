using System.Security.Cryptography.X509Certificates;

namespace WechatLoyalty.Wechat.Pay;

/// <summary>
/// A certificate serial as WeChat Pay writes it: upper-case hex of the serial integer's magnitude. .NET's
/// <see cref="X509Certificate2.SerialNumber"/> keeps DER's leading 00 sign byte when the high bit is set
/// (00F5765756002FDD77 vs WeChat's F5765756002FDD77), which would make such a serial "unknown".
/// </summary>
public static class CertificateSerial
{
    public static string Of(X509Certificate2 certificate)
    {
        var bytes = certificate.SerialNumberBytes.Span;
        var start = 0;
        while (start < bytes.Length - 1 && bytes[start] == 0)
        {
            start++;
        }

        return Convert.ToHexString(bytes[start..]);
    }
}
