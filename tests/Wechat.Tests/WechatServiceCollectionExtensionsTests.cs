using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using StackExchange.Redis;
using WechatLoyalty.Wechat.MiniProgram;
using WechatLoyalty.Wechat.OfficialAccount;
using WechatLoyalty.Wechat.Pay;
using WechatLoyalty.Wechat.Pay.Notifications;
using WechatLoyalty.Wechat.Tests.Support;

namespace WechatLoyalty.Wechat.Tests;

public sealed class WechatServiceCollectionExtensionsTests : IDisposable
{
    private readonly TestKeys _keys = new();
    private readonly IConnectionMultiplexer _noRedis = ConnectionMultiplexer.Connect("127.0.0.1:1,abortConnect=false,connectTimeout=100");

    [Fact]
    public void AddWechat_ValidatesAndResolvesEveryClient_WhenPointedAtDevKeyDirectory()
    {
        using var provider = Build(WechatTestServices.Settings(_keys, "p"));

        provider.GetRequiredService<IStartupValidator>().Validate();

        Assert.Equal(_keys.MerchantSerial, provider.GetRequiredService<MerchantSigner>().CertificateSerial);
        Assert.Equal(TestKeys.PublicKeyId, provider.GetRequiredService<WechatPayPlatformKeys>().PreferredSerial);
        Assert.Equal(TestKeys.ApiV3Key, provider.GetRequiredService<IOptions<WechatPayOptions>>().Value.ApiV3Key);
        Assert.NotNull(provider.GetRequiredService<WechatPayClient>());
        Assert.NotNull(provider.GetRequiredService<WechatPayNotificationParser>());
        Assert.NotNull(provider.GetRequiredService<MiniProgramClient>());
        Assert.NotNull(provider.GetRequiredService<OfficialAccountClient>());
        Assert.NotNull(provider.GetRequiredService<OaMessageParser>());
    }

    [Theory]
    [InlineData("Wechat:MiniProgram:AppId", "", "Wechat:MiniProgram:AppId is required")]
    [InlineData("Wechat:OfficialAccount:EncodingAesKey", "tooshort", "Wechat:OfficialAccount:EncodingAesKey must be 43")]
    [InlineData("Wechat:Pay:ApiV3Key", "0123456789abcdef0123456789abcde", "Wechat:Pay:ApiV3Key must be exactly 32 bytes (got 31)")]
    [InlineData("Wechat:Pay:NotifyUrl", "https://api.example.com/notify?x=1", "Wechat:Pay:NotifyUrl")]
    [InlineData("Wechat:Pay:PlatformPublicKeyId", "0114000000TEST", "Wechat:Pay:PlatformPublicKeyId must start with PUB_KEY_ID_")]
    [InlineData("Wechat:Endpoints:Api", "ftp://x", "Wechat:Endpoints:Api")]
    public void Validate_FailsNamingTheSetting_WhenSettingMissingOrMalformed(string key, string value, string expected)
    {
        var settings = WechatTestServices.Settings(_keys, "p");
        settings[key] = value;
        using var provider = Build(settings);

        var ex = Assert.ThrowsAny<Exception>(() => provider.GetRequiredService<IStartupValidator>().Validate());

        Assert.Contains(expected, ex.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public void Validate_Fails_WhenMerchantCertificateDoesNotMatchPrivateKey()
    {
        File.WriteAllText(Path.Combine(_keys.Directory, "merchant", "apiclient_cert.pem"), _keys.PlatformCertificate.ExportCertificatePem());
        using var provider = Build(WechatTestServices.Settings(_keys, "p"));

        var ex = Assert.ThrowsAny<Exception>(() => provider.GetRequiredService<IStartupValidator>().Validate());

        Assert.Contains("Wechat:Pay:MerchantCertificatePath does not match the merchant private key", ex.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public void Validate_Fails_WhenMerchantKeyFileMissing()
    {
        var settings = WechatTestServices.Settings(_keys, "p");
        settings["Wechat:Pay:MerchantPrivateKeyPath"] = Path.Combine(_keys.Directory, "nope.pem");
        using var provider = Build(settings);

        var ex = Assert.ThrowsAny<Exception>(() => provider.GetRequiredService<IStartupValidator>().Validate());

        Assert.Contains("Wechat:Pay:MerchantPrivateKeyPath", ex.ToString(), StringComparison.Ordinal);
    }

    public void Dispose()
    {
        _noRedis.Dispose();
        _keys.Dispose();
    }

    private ServiceProvider Build(Dictionary<string, string?> settings) =>
        WechatTestServices.Build(settings, new StubHandler((_, _) => Task.FromResult(StubHandler.Json("{}"))), _noRedis);
}
