using System.Globalization;
using System.Security.Cryptography;

namespace WechatLoyalty.Wechat.Pay.Transactions;

/// <summary>
/// The object the mini-program passes to <c>wx.requestPayment</c>. Property names are the JS ones.
/// https://pay.weixin.qq.com/doc/v3/merchant/4012365341
/// </summary>
public sealed record RequestPaymentParameters(string TimeStamp, string NonceStr, string Package, string SignType, string PaySign);

/// <summary>Builds and signs <see cref="RequestPaymentParameters"/> with the merchant key.</summary>
public sealed class RequestPaymentBuilder(MerchantSigner signer, TimeProvider time)
{
    /// <param name="appId">The MINI-PROGRAM appid: it is part of the signature although the page never sends it.</param>
    /// <param name="prepayId">From the JSAPI prepay answer.</param>
    public RequestPaymentParameters Build(string appId, string prepayId)
    {
        ArgumentException.ThrowIfNullOrEmpty(appId);
        ArgumentException.ThrowIfNullOrEmpty(prepayId);
        var timeStamp = time.GetUtcNow().ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture);
        var nonceStr = Convert.ToHexString(RandomNumberGenerator.GetBytes(16));
        return Build(appId, prepayId, timeStamp, nonceStr);
    }

    internal RequestPaymentParameters Build(string appId, string prepayId, string timeStamp, string nonceStr)
    {
        // Line 4 is the whole package value, "prepay_id=" included (the APP flow differs; this is not it).
        var package = "prepay_id=" + prepayId;
        var paySign = signer.Sign($"{appId}\n{timeStamp}\n{nonceStr}\n{package}\n");
        return new RequestPaymentParameters(timeStamp, nonceStr, package, "RSA", paySign);
    }
}
