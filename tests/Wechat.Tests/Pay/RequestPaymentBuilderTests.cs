using System.Security.Cryptography;
using System.Text;
using Microsoft.Extensions.Time.Testing;
using WechatLoyalty.Wechat.Pay;
using WechatLoyalty.Wechat.Pay.Transactions;
using WechatLoyalty.Wechat.Tests.Support;

namespace WechatLoyalty.Wechat.Tests.Pay;

public sealed class RequestPaymentBuilderTests : IDisposable
{
    private readonly TestKeys _keys = new();

    [Fact]
    public void Build_SignsAppIdTimestampNonceAndPackage_WithMerchantKey()
    {
        using var signer = new MerchantSigner(TestKeys.MchId, _keys.MerchantSerial, _keys.Merchant);
        var time = new FakeTimeProvider(DateTimeOffset.FromUnixTimeSeconds(1554208460));
        var builder = new RequestPaymentBuilder(signer, time);

        var parameters = builder.Build("wx2421b1c4370ec43b", "wx201410272009395522657a690389285100");

        Assert.Equal("1554208460", parameters.TimeStamp);
        Assert.Equal("prepay_id=wx201410272009395522657a690389285100", parameters.Package);
        Assert.Equal("RSA", parameters.SignType);
        Assert.Equal(32, parameters.NonceStr.Length);
        var message = $"wx2421b1c4370ec43b\n1554208460\n{parameters.NonceStr}\nprepay_id=wx201410272009395522657a690389285100\n";
        using var merchantPublic = RSA.Create();
        merchantPublic.ImportSubjectPublicKeyInfo(_keys.Merchant.ExportSubjectPublicKeyInfo(), out _);
        Assert.True(merchantPublic.VerifyData(Encoding.UTF8.GetBytes(message), Convert.FromBase64String(parameters.PaySign), HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1));
        // The APP flow signs the bare prepay_id; that must NOT verify here.
        Assert.False(merchantPublic.VerifyData(Encoding.UTF8.GetBytes(message.Replace("prepay_id=", "", StringComparison.Ordinal)),
            Convert.FromBase64String(parameters.PaySign), HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1));
    }

    public void Dispose() => _keys.Dispose();
}
