using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using WechatLoyalty.Simulator.Hosting;
using WechatLoyalty.Simulator.Tests.Infrastructure;

namespace WechatLoyalty.Simulator.Tests;

public class FaultTests(SimulatorFixture fixture) : IClassFixture<SimulatorFixture>
{
    [Fact]
    public async Task AllCalls_FailAsWechatDoes_WhenErrorRateIsOne()
    {
        var token = await fixture.MiniTokenAsync();
        await fixture.SetFaultsAsync(new { error_rate = 1.0 });
        try
        {
            var weixin = await fixture.PostAsync($"/wxa/getwxacodeunlimit?access_token={token}", new { scene = "ST001" });
            var pay = await new PayClient(fixture).GetAsync("/v3/pay/transactions/out-trade-no/LP000001?mchid=1900000001");

            Assert.Equal(-1, SimulatorFixture.ErrCode(weixin));
            Assert.Equal((500, "SYSTEM_ERROR"), (pay.Status, pay.Code));
        }
        finally
        {
            await fixture.SetFaultsAsync(new { error_rate = 0.0 });
        }
    }

    [Fact]
    public async Task Calls_AreDelayed_WhenLatencyConfigured()
    {
        await fixture.SetFaultsAsync(new { latency_ms = 300 });
        try
        {
            var watch = System.Diagnostics.Stopwatch.StartNew();
            await fixture.MiniTokenAsync();

            Assert.True(watch.ElapsedMilliseconds >= 300);
        }
        finally
        {
            await fixture.SetFaultsAsync(new { latency_ms = 0 });
        }
    }

    [Fact]
    public async Task Reset_ForgetsUsers()
    {
        var user = await fixture.CreateUserAsync();
        using var reset = await fixture.Http.PostAsync("/sim/reset", null);

        using var response = await fixture.Http.GetAsync($"/sim/users/{user.GetProperty("unionid").GetString()}");

        Assert.Equal(404, (int)response.StatusCode);
    }

    [Fact]
    public async Task InspectionPage_ListsWhatWechatSaw()
    {
        var user = await fixture.CreateUserAsync();

        var html = await fixture.Http.GetStringAsync("/");

        Assert.Contains("<h2>Pay notifications</h2>", html, StringComparison.Ordinal);
        Assert.Contains(user.GetProperty("unionid").GetString()!, html, StringComparison.Ordinal);
    }
}

public class KeyMaterialTests
{
    [Fact]
    public void LoadOrCreate_WritesMerchantConsoleFiles_AndReusesThemOnNextStart()
    {
        var directory = Path.Combine(Path.GetTempPath(), "wechat-sim-keys-" + Guid.NewGuid().ToString("N"));
        try
        {
            var options = new SimulatorOptions { KeysDirectory = directory };
            string serial;
            using (var first = SimulatorKeys.LoadOrCreate(options, directory))
            {
                serial = first.MerchantSerialNumber;
            }

            using var second = SimulatorKeys.LoadOrCreate(options, directory);
            using var merchantKey = RSA.Create();
            merchantKey.ImportFromPem(File.ReadAllText(Path.Combine(directory, "merchant", "apiclient_key.pem")));
            using var cert = X509Certificate2.CreateFromPem(File.ReadAllText(Path.Combine(directory, "merchant", "apiclient_cert.pem")));
            using var platform = RSA.Create();
            platform.ImportFromPem(File.ReadAllText(Path.Combine(directory, "platform", "pub_key.pem")));
            var signed = second.PlatformPrivateKey.SignData(new byte[] { 1, 2, 3 }, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);

            Assert.Equal(serial, second.MerchantSerialNumber);
            Assert.Equal(cert.SerialNumber, serial);
            Assert.Equal(40, serial.Length);
            Assert.StartsWith("-----BEGIN PRIVATE KEY-----", File.ReadAllText(Path.Combine(directory, "merchant", "apiclient_key.pem")), StringComparison.Ordinal);
            Assert.Equal(merchantKey.ExportSubjectPublicKeyInfo(), cert.GetRSAPublicKey()!.ExportSubjectPublicKeyInfo());
            Assert.True(platform.VerifyData(new byte[] { 1, 2, 3 }, signed, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1));
            Assert.Equal("PUB_KEY_ID_0114000000SIMULATOR01", File.ReadAllText(Path.Combine(directory, "platform", "pub_key_id.txt")).Trim());
            Assert.Equal("sim0apiv3key0123456789abcdefABCD", File.ReadAllText(Path.Combine(directory, "apiv3_key.txt")).Trim());
        }
        finally
        {
            Directory.Delete(directory, recursive: true);
        }
    }

    [Fact]
    public void Validate_Fails_WhenApiV3KeyIsNot32Characters()
    {
        var options = new SimulatorOptions();
        options.Pay.ApiV3Key = "short";

        Assert.Throws<Microsoft.Extensions.Options.OptionsValidationException>(() => SimulatorOptionsValidator.ThrowIfInvalid(options));
    }
}
