using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using Microsoft.Extensions.Time.Testing;
using WechatLoyalty.Wechat.Pay;
using WechatLoyalty.Wechat.Tests.Support;

namespace WechatLoyalty.Wechat.Tests.Pay;

public class RsaSignatureVectorTests
{
    [Theory]
    [InlineData("c4-01")]
    [InlineData("c4-06")]
    public void Sign_ReproducesPublishedSignature_WithPublishedMerchantKey(string vectorId)
    {
        var v = Vectors.Load(vectorId);
        using var key = RSA.Create();
        key.ImportFromPem(v.Input("private_key_pem"));
        using var signer = new MerchantSigner("1900000001", "SERIAL", key);

        Assert.Equal(v.Expected().GetProperty("signature_b64").GetString(), signer.Sign(v.Input("message")));
    }

    [Theory]
    [InlineData("c4-01")]
    [InlineData("c4-06")]
    public void Verify_AcceptsPublishedSignature_ByCertificateSerial(string vectorId)
    {
        var v = Vectors.Load(vectorId);
        using var certificate = X509Certificate2.CreateFromPem(v.Input("certificate_pem"));
        Assert.Equal(v.Input("certificate_serial"), CertificateSerial.Of(certificate));
        var keys = new WechatPayPlatformKeys(null, null);
        keys.AddCertificates([certificate]);

        Assert.True(keys.TryGetKey(v.Input("certificate_serial"), out var rsa));
        Assert.True(rsa.VerifyData(Encoding.UTF8.GetBytes(v.Input("message")),
            Convert.FromBase64String(v.Expected().GetProperty("signature_b64").GetString()!), HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1));
    }

    [Fact]
    public void Verify_AcceptsPublishedSignature_ByBarePublicKey_AndRejectsWrongMessage()
    {
        var v = Vectors.Load("c4-01");
        using var publicKey = RSA.Create();
        publicKey.ImportFromPem(v.Input("public_key_pem"));
        var signature = Convert.FromBase64String(v.Expected().GetProperty("signature_b64").GetString()!);
        var negative = v.Expected().GetProperty("negative_case").GetProperty("message").GetString()!;

        Assert.True(publicKey.VerifyData(Encoding.UTF8.GetBytes(v.Input("message")), signature, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1));
        Assert.False(publicKey.VerifyData(Encoding.UTF8.GetBytes(negative), signature, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1));
    }

    [Fact]
    public void Verify_RejectsPublishedSignature_WithADifferentPublicKey()
    {
        var v = Vectors.Load("c4-06");
        using var wrong = RSA.Create();
        wrong.ImportFromPem(v.Input("wrong_public_key_pem"));

        Assert.False(wrong.VerifyData(Encoding.UTF8.GetBytes(v.Input("message")),
            Convert.FromBase64String(v.Expected().GetProperty("signature_b64").GetString()!), HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1));
    }

    [Fact]
    public void LoadMerchant_DerivesSerial_AndRejectsMismatchedCertificate()
    {
        var v = Vectors.Load("c4-06");
        var dir = Directory.CreateTempSubdirectory("wl-c406-").FullName;
        File.WriteAllText(Path.Combine(dir, "key.pem"), v.Input("private_key_pem"));
        File.WriteAllText(Path.Combine(dir, "cert.pem"), v.Input("certificate_pem"));
        File.WriteAllText(Path.Combine(dir, "other.pem"), Vectors.Load("c4-01").Input("certificate_pem"));
        var options = new WechatPayOptions { MchId = "1", MerchantPrivateKeyPath = Path.Combine(dir, "key.pem"), MerchantCertificatePath = Path.Combine(dir, "cert.pem") };

        using (var signer = WechatPayKeyLoader.LoadMerchant(options))
        {
            Assert.Equal(v.Input("certificate_serial"), signer.CertificateSerial);
        }

        options.MerchantCertificatePath = Path.Combine(dir, "other.pem");
        var ex = Assert.Throws<WechatPayConfigurationException>(() => WechatPayKeyLoader.LoadMerchant(options));
        Assert.Contains("Wechat:Pay:MerchantCertificatePath", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void SignatureVerifier_AcceptsPublishedNotificationSignature_AtMockedTime()
    {
        var v = Vectors.Load("c4-05");
        using var certificate = X509Certificate2.CreateFromPem(v.Input("platform_certificate_pem"));
        var keys = new WechatPayPlatformKeys(null, null);
        keys.AddCertificates([certificate]);
        var headers = v.GetProperty("inputs").GetProperty("headers");
        var time = new FakeTimeProvider(DateTimeOffset.FromUnixTimeSeconds(v.GetProperty("inputs").GetProperty("mocked_now_unix").GetInt64()));
        var verifier = new WechatPaySignatureVerifier(keys, time, TimeSpan.FromMinutes(5));
        var signatureHeaders = WechatPaySignatureHeaders.From(name => headers.GetProperty(name).GetString());

        Assert.Equal(v.Input("message"), Encoding.UTF8.GetString(WechatPaySignatureVerifier.BuildMessage(
            signatureHeaders.Timestamp!, signatureHeaders.Nonce!, Encoding.UTF8.GetBytes(v.Input("body")))));
        Assert.Null(verifier.Verify(signatureHeaders, Encoding.UTF8.GetBytes(v.Input("body"))));
    }
}
