using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using WechatLoyalty.Wechat.AccessTokens;
using WechatLoyalty.Wechat.Http;
using WechatLoyalty.Wechat.MiniProgram;
using WechatLoyalty.Wechat.OfficialAccount;
using WechatLoyalty.Wechat.Pay;
using WechatLoyalty.Wechat.Pay.Certificates;
using WechatLoyalty.Wechat.Pay.Notifications;
using WechatLoyalty.Wechat.Pay.Transactions;

namespace WechatLoyalty.Wechat;

public static class WechatServiceCollectionExtensions
{
    /// <summary>Registers the WeChat clients from configuration section <c>Wechat</c>. The host registers the one IConnectionMultiplexer.</summary>
    public static IHostApplicationBuilder AddWechat(this IHostApplicationBuilder builder)
    {
        builder.Services.AddWechat(builder.Configuration);
        return builder;
    }

    /// <summary>
    /// Options (validated at start-up), the shared token cache, typed clients on IHttpClientFactory with bounded
    /// retries for transient failures of retry-safe requests only, and the WeChat Pay signing/verification chain.
    /// </summary>
    public static IServiceCollection AddWechat(this IServiceCollection services, IConfiguration configuration)
    {
        services.TryAddSingleton(TimeProvider.System);
        AddOptions<WechatEndpointsOptions>(services, configuration, WechatEndpointsOptions.Section);
        AddOptions<MiniProgramOptions>(services, configuration, MiniProgramOptions.Section);
        AddOptions<OfficialAccountOptions>(services, configuration, OfficialAccountOptions.Section);
        AddOptions<AccessTokenOptions>(services, configuration, AccessTokenOptions.Section);
        AddOptions<WechatPayOptions>(services, configuration, WechatPayOptions.Section);
        services.AddSingleton<IPostConfigureOptions<WechatPayOptions>, WechatPayKeysDirectoryPostConfigure>();

        // Query strings (access_token, secret) are redacted from IHttpClientFactory logs since .NET 9; keep it that way.
        services.AddHttpClient(StableTokenClient.HttpClientName, ConfigureApiBase)
            .AddStandardResilienceHandler(o => WechatRetryPolicy.Configure(o, treatBusyAsTransient: true));
        services.TryAddSingleton<IAccessTokenSource, StableTokenClient>();
        services.TryAddSingleton<AccessTokenCache>();

        services.AddHttpClient<MiniProgramClient>(MiniProgramClient.HttpClientName, ConfigureApiBase)
            .AddStandardResilienceHandler(o => WechatRetryPolicy.Configure(o, treatBusyAsTransient: true));
        services.AddHttpClient<OfficialAccountClient>(OfficialAccountClient.HttpClientName, ConfigureApiBase)
            .AddStandardResilienceHandler(o => WechatRetryPolicy.Configure(o, treatBusyAsTransient: true));
        services.TryAddSingleton<OaMessageParser>();
        services.TryAddSingleton(sp => new OaReplyBuilder(sp.GetRequiredService<OaMessageParser>().Crypt, sp.GetRequiredService<TimeProvider>()));

        AddPay(services);
        return services;
    }

    private static void AddPay(IServiceCollection services)
    {
        services.TryAddSingleton(sp => WechatPayKeyLoader.LoadMerchant(PayOptions(sp)));
        services.TryAddSingleton(sp =>
        {
            var options = PayOptions(sp);
            return new WechatPayPlatformKeys(options.PlatformPublicKeyId, WechatPayKeyLoader.LoadPlatformPublicKey(options));
        });
        services.TryAddSingleton(sp => new WechatPaySignatureVerifier(
            sp.GetRequiredService<WechatPayPlatformKeys>(), sp.GetRequiredService<TimeProvider>(), PayOptions(sp).MaxClockSkew));
        services.TryAddSingleton(sp => new WechatPayNotificationParser(
            sp.GetRequiredService<WechatPaySignatureVerifier>(), WechatPayKeyLoader.ApiV3KeyBytes(PayOptions(sp))));
        services.TryAddSingleton(sp => new RequestPaymentBuilder(sp.GetRequiredService<MerchantSigner>(), sp.GetRequiredService<TimeProvider>()));
        services.AddTransient(sp => new WechatPaySigningHandler(
            sp.GetRequiredService<MerchantSigner>(),
            sp.GetRequiredService<WechatPayPlatformKeys>(),
            sp.GetRequiredService<WechatPaySignatureVerifier>(),
            sp.GetRequiredService<TimeProvider>(),
            PayOptions(sp).UserAgent));

        // Resilience first (outer), signing inside it: every retry is signed afresh with a new timestamp and nonce.
        services.AddHttpClient<WechatPayClient>(WechatPayClient.HttpClientName, ConfigurePayBase)
            .AddStandardResilienceHandler(o => WechatRetryPolicy.Configure(o, treatBusyAsTransient: false)).Services
            .AddHttpClient(WechatPayClient.HttpClientName).AddHttpMessageHandler<WechatPaySigningHandler>();
        services.AddHttpClient<PlatformCertificateDownloader>(PlatformCertificateDownloader.HttpClientName, ConfigurePayBase)
            .AddStandardResilienceHandler(o => WechatRetryPolicy.Configure(o, treatBusyAsTransient: false)).Services
            .AddHttpClient(PlatformCertificateDownloader.HttpClientName).AddHttpMessageHandler<WechatPaySigningHandler>();
        services.AddHostedService<PlatformCertificateRefresher>();
    }

    private static WechatPayOptions PayOptions(IServiceProvider sp) => sp.GetRequiredService<IOptions<WechatPayOptions>>().Value;

    private static void ConfigureApiBase(IServiceProvider sp, HttpClient client) =>
        client.BaseAddress = WithTrailingSlash(sp.GetRequiredService<IOptions<WechatEndpointsOptions>>().Value.Api);

    private static void ConfigurePayBase(IServiceProvider sp, HttpClient client) =>
        client.BaseAddress = WithTrailingSlash(sp.GetRequiredService<IOptions<WechatEndpointsOptions>>().Value.Pay);

    /// <summary>So relative paths append to a base with a path (e.g. a simulator mounted at /wechat).</summary>
    private static Uri WithTrailingSlash(Uri uri) =>
        uri.AbsoluteUri.EndsWith('/') ? uri : new Uri(uri.AbsoluteUri + "/");

    private static void AddOptions<T>(IServiceCollection services, IConfiguration configuration, string section)
        where T : class
    {
        services.AddOptions<T>().Bind(configuration.GetSection(section)).ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton(typeof(IValidateOptions<T>), typeof(WechatOptionsValidation)));
    }
}
