using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Microsoft.Extensions.DependencyInjection;
using WechatLoyalty.Wechat.Pay;
using WechatLoyalty.Wechat.Pay.Certificates;
using WechatLoyalty.Wechat.Pay.Transactions;
using SimOptions = WechatLoyalty.Simulator.SimulatorOptions;

namespace WechatLoyalty.Wechat.Tests.EndToEnd;

/// <summary>
/// The simulator started on a key directory whose merchant and platform certificates have serials with the high bit
/// set (as real CA-issued serials often do), and our backend configured from that same directory
/// (<c>Wechat:Pay:KeysDirectory</c>, as the run script does). .NET spells such serials with a leading 00 byte;
/// WeChat and our client do not.
/// </summary>
public sealed class HighBitSerialFixture : SimulatorBackendFixture
{
    public string KeysDirectory { get; } = Path.Combine(Path.GetTempPath(), "wl-e2e-keys-" + Guid.NewGuid().ToString("N"));

    public X509Certificate2 MerchantCertificate { get; private set; } = null!;

    public X509Certificate2 PlatformCertificate { get; private set; } = null!;

    public override Dictionary<string, string?> Settings(string? keyPrefix = null)
    {
        var settings = base.Settings(keyPrefix);
        foreach (var explicitKey in new[] { "MerchantPrivateKeyPem", "MerchantCertificateSerial", "ApiV3Key", "PlatformPublicKeyId", "PlatformPublicKeyPem" })
        {
            settings.Remove("Wechat:Pay:" + explicitKey);
        }

        settings["Wechat:Pay:KeysDirectory"] = KeysDirectory;
        return settings;
    }

    protected override void ConfigureSimulator(SimOptions options)
    {
        Directory.CreateDirectory(Path.Combine(KeysDirectory, "merchant"));
        Directory.CreateDirectory(Path.Combine(KeysDirectory, "platform"));
        using var merchantKey = RSA.Create(2048);
        using var platformKey = RSA.Create(2048);
        MerchantCertificate = Issue(merchantKey, $"CN={options.Pay.MchId}, O=Merchant");
        PlatformCertificate = Issue(platformKey, "CN=Tenpay.com Root CA, O=Tenpay.com");
        File.WriteAllText(Path.Combine(KeysDirectory, "merchant", "apiclient_key.pem"), merchantKey.ExportPkcs8PrivateKeyPem());
        File.WriteAllText(Path.Combine(KeysDirectory, "merchant", "apiclient_cert.pem"), MerchantCertificate.ExportCertificatePem());
        File.WriteAllText(Path.Combine(KeysDirectory, "platform", "private_key.pem"), platformKey.ExportPkcs8PrivateKeyPem());
        File.WriteAllText(Path.Combine(KeysDirectory, "platform", "platform_cert.pem"), PlatformCertificate.ExportCertificatePem());
        options.KeysDirectory = KeysDirectory;
    }

    protected override void CleanUp()
    {
        MerchantCertificate.Dispose();
        PlatformCertificate.Dispose();
        try
        {
            Directory.Delete(KeysDirectory, recursive: true);
        }
        catch (IOException)
        {
        }
    }

    private static X509Certificate2 Issue(RSA key, string subject)
    {
        var request = new CertificateRequest(subject, key, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        var serial = RandomNumberGenerator.GetBytes(20);
        serial[0] |= 0x80; // high bit set: DER needs a 00 sign byte, which X509Certificate2.SerialNumber shows
        var now = DateTimeOffset.UtcNow;
        using var signed = request.Create(request.SubjectName, X509SignatureGenerator.CreateForRSA(key, RSASignaturePadding.Pkcs1),
            now.AddDays(-1), now.AddYears(1), serial);
        return X509CertificateLoader.LoadCertificate(signed.RawData);
    }
}

public sealed class HighBitSerialEndToEndTests(HighBitSerialFixture fixture) : IClassFixture<HighBitSerialFixture>
{
    [Fact]
    public void SimulatorKeys_SpellSerialsAsWechatDoes_WhenHighBitIsSet()
    {
        Assert.StartsWith("00", fixture.MerchantCertificate.SerialNumber, StringComparison.Ordinal);
        Assert.StartsWith("00", fixture.PlatformCertificate.SerialNumber, StringComparison.Ordinal);

        Assert.Equal(CertificateSerial.Of(fixture.MerchantCertificate), fixture.Sim.Keys.MerchantSerialNumber);
        Assert.Equal(CertificateSerial.Of(fixture.PlatformCertificate), fixture.Sim.Keys.PlatformCertificateSerial);
        Assert.Equal(40, fixture.Sim.Keys.MerchantSerialNumber.Length);
    }

    [Fact]
    public async Task JsapiPrepay_Succeeds_WhenMerchantSerialHasHighBitAndComesFromKeysDirectory()
    {
        var user = await fixture.CreateUserAsync();
        var outTradeNo = "HB" + Convert.ToHexString(RandomNumberGenerator.GetBytes(8));

        var prepay = await fixture.Backend.GetRequiredService<WechatPayClient>().JsapiPrepayAsync(new PayTransactionsJsapiRequest
        {
            Description = "high-bit serial",
            OutTradeNo = outTradeNo,
            Amount = new() { Total = 100 },
            Payer = new() { Openid = user.MiniOpenId },
        });
        var paid = await fixture.SimPostAsync($"/sim/pay/{prepay.PrepayId}/pay");

        Assert.Equal(CertificateSerial.Of(fixture.MerchantCertificate), fixture.Backend.GetRequiredService<MerchantSigner>().CertificateSerial);
        var received = Assert.Single(await fixture.Receiver.WaitForNotificationsAsync("default", 1));
        Assert.Equal(paid.GetProperty("transaction_id").GetString(), received.Transaction.Resource.TransactionId);
    }

    [Fact]
    public async Task PlatformCertificates_AreDownloadedAndVerifyAnswers_WhenPlatformSerialHasHighBit()
    {
        var user = await fixture.CreateUserAsync();
        var outTradeNo = "HB" + Convert.ToHexString(RandomNumberGenerator.GetBytes(8));
        await fixture.Backend.GetRequiredService<WechatPayClient>().JsapiPrepayAsync(new PayTransactionsJsapiRequest
        {
            Description = "certificate mode",
            OutTradeNo = outTradeNo,
            Amount = new() { Total = 100 },
            Payer = new() { Openid = user.MiniOpenId },
        });
        var certificatesOnly = fixture.CreateBackend(s =>
        {
            s.Remove("Wechat:Pay:KeysDirectory"); // the directory also holds pub_key.pem; this merchant has certificates only
            s["Wechat:Pay:UsePlatformCertificates"] = "true";
            s["Wechat:Pay:MerchantPrivateKeyPath"] = Path.Combine(fixture.KeysDirectory, "merchant", "apiclient_key.pem");
            s["Wechat:Pay:MerchantCertificatePath"] = Path.Combine(fixture.KeysDirectory, "merchant", "apiclient_cert.pem");
            s["Wechat:Pay:ApiV3Key"] = fixture.Sim.Keys.ApiV3Key;
        });

        var certificates = await certificatesOnly.GetRequiredService<PlatformCertificateDownloader>().RefreshAsync();
        // Sent with Wechatpay-Serial = that certificate's serial; the answer is signed under it and verified with it.
        var transaction = await certificatesOnly.GetRequiredService<WechatPayClient>().QueryByOutTradeNoAsync(outTradeNo);

        var certificate = Assert.Single(certificates);
        Assert.Equal(fixture.PlatformCertificate.Thumbprint, certificate.Thumbprint);
        Assert.Equal(CertificateSerial.Of(fixture.PlatformCertificate), certificatesOnly.GetRequiredService<WechatPayPlatformKeys>().PreferredSerial);
        Assert.Equal("NOTPAY", transaction.TradeState);
    }
}
