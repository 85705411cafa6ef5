using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Http.Resilience;
using StackExchange.Redis;

namespace WechatLoyalty.Wechat.Tests.Support;

/// <summary>A service provider as the host would build it, pointed at a stub WeChat and a real Redis.</summary>
internal static class WechatTestServices
{
    public const string MiniAppId = "wx0000000000000001";
    public const string OaAppId = "wx00000000000000oa";
    public const string OaToken = "testtoken";
    public const string OaAesKey = "abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG";

    public static Dictionary<string, string?> Settings(TestKeys keys, string keyPrefix) => new()
    {
        ["Wechat:Endpoints:Api"] = "http://wechat.test/",
        ["Wechat:Endpoints:Pay"] = "http://pay.test/",
        ["Wechat:MiniProgram:AppId"] = MiniAppId,
        ["Wechat:MiniProgram:AppSecret"] = "mini-secret",
        ["Wechat:OfficialAccount:AppId"] = OaAppId,
        ["Wechat:OfficialAccount:AppSecret"] = "oa-secret",
        ["Wechat:OfficialAccount:Token"] = OaToken,
        ["Wechat:OfficialAccount:EncodingAesKey"] = OaAesKey,
        ["Wechat:AccessTokens:KeyPrefix"] = keyPrefix,
        ["Wechat:Pay:MchId"] = TestKeys.MchId,
        ["Wechat:Pay:AppId"] = MiniAppId,
        ["Wechat:Pay:KeysDirectory"] = keys.Directory,
        ["Wechat:Pay:NotifyUrl"] = "https://api.example.com/wechat/pay/notify",
    };

    public static ServiceProvider Build(
        Dictionary<string, string?> settings, HttpMessageHandler stub, IConnectionMultiplexer redis, Action<IServiceCollection>? configure = null)
    {
        var services = new ServiceCollection();
        services.AddLogging();
        services.AddSingleton(redis);
        services.AddWechat(new ConfigurationBuilder().AddInMemoryCollection(settings).Build());
        services.ConfigureHttpClientDefaults(b => b.ConfigurePrimaryHttpMessageHandler(() => stub));
        // Real retry policy, test-sized delays.
        services.PostConfigureAll<HttpStandardResilienceOptions>(o => o.Retry.Delay = TimeSpan.FromMilliseconds(1));
        configure?.Invoke(services);
        return services.BuildServiceProvider(new ServiceProviderOptions { ValidateOnBuild = true, ValidateScopes = true });
    }
}
