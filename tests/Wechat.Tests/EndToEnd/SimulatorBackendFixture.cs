using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Http.Resilience;
using StackExchange.Redis;
using WechatLoyalty.Simulator.Hosting;
using WechatLoyalty.Wechat.Tests.Support;
using SimOptions = WechatLoyalty.Simulator.SimulatorOptions;

namespace WechatLoyalty.Wechat.Tests.EndToEnd;

/// <summary>
/// The strict simulator in-process (real Kestrel, dynamic port), our callback receiver (OA ServerUrl and Pay
/// notify_url), and backend instances built with <c>AddWechat(configuration)</c> exactly as the host builds them,
/// pointed at the simulator, each with its own connection to the real Redis (WL_TEST_REDIS). WeChat's delays
/// (notification retries, refund completion) are scaled by 0.001.
/// </summary>
public class SimulatorBackendFixture : IAsyncLifetime
{
    private readonly List<ConnectionMultiplexer> _redisConnections = [];
    private readonly List<ServiceProvider> _providers = [];

    public RunningSimulator Sim { get; private set; } = null!;

    public BackendReceiver Receiver { get; private set; } = null!;

    /// <summary>The WeChat user's side: the /sim stand-ins for wx.login, paying, following...</summary>
    public HttpClient SimHttp { get; private set; } = null!;

    /// <summary>The default backend instance; the receiver parses callbacks with its parsers.</summary>
    public ServiceProvider Backend { get; private set; } = null!;

    /// <summary>What <see cref="Backend"/> put on the wire.</summary>
    public WireLog Wire { get; } = new();

    /// <summary>The default instance's token key prefix (unique per fixture).</summary>
    public string KeyPrefix { get; } = "e2e-" + Guid.NewGuid().ToString("N");

    public string MiniAppId => Sim.Options.MiniProgram.AppId;

    public string OaAppId => Sim.Options.OfficialAccount.AppId;

    public async Task InitializeAsync()
    {
        Receiver = await BackendReceiver.StartAsync();
        var options = new SimOptions { KeysDirectory = null, NotificationTimeScale = 0.001, DeliveryTimeoutSeconds = 2 };
        options.OfficialAccount.ServerUrl = Receiver.OaUrl;
        ConfigureSimulator(options);
        Sim = await SimulatorHost.StartAsync(options);
        SimHttp = new HttpClient { BaseAddress = Sim.BaseUri };
        Backend = CreateBackend(wire: Wire);
        Receiver.Backend = Backend;
    }

    public async Task DisposeAsync()
    {
        foreach (var provider in _providers)
        {
            await provider.DisposeAsync();
        }

        SimHttp.Dispose();
        await Sim.DisposeAsync();
        await Receiver.DisposeAsync();
        foreach (var connection in _redisConnections)
        {
            await connection.DisposeAsync();
        }

        CleanUp();
    }

    /// <summary>The configuration a deployment pointed at this simulator would have (secrets inline as PEM).</summary>
    public virtual Dictionary<string, string?> Settings(string? keyPrefix = null)
    {
        var keys = Sim.Keys;
        var o = Sim.Options;
        return new Dictionary<string, string?>
        {
            ["Wechat:Endpoints:Api"] = Sim.BaseUrl,
            ["Wechat:Endpoints:Pay"] = Sim.BaseUrl,
            ["Wechat:Endpoints:Mp"] = Sim.BaseUrl,
            ["Wechat:MiniProgram:AppId"] = o.MiniProgram.AppId,
            ["Wechat:MiniProgram:AppSecret"] = o.MiniProgram.AppSecret,
            ["Wechat:OfficialAccount:AppId"] = o.OfficialAccount.AppId,
            ["Wechat:OfficialAccount:AppSecret"] = o.OfficialAccount.AppSecret,
            ["Wechat:OfficialAccount:Token"] = o.OfficialAccount.Token,
            ["Wechat:OfficialAccount:EncodingAesKey"] = o.OfficialAccount.EncodingAesKey,
            ["Wechat:AccessTokens:KeyPrefix"] = keyPrefix ?? KeyPrefix,
            ["Wechat:Pay:MchId"] = o.Pay.MchId,
            ["Wechat:Pay:AppId"] = o.MiniProgram.AppId,
            ["Wechat:Pay:NotifyUrl"] = Receiver.PayNotifyUrl("default"),
            ["Wechat:Pay:MerchantPrivateKeyPem"] = keys.MerchantPrivateKey.ExportPkcs8PrivateKeyPem(),
            ["Wechat:Pay:MerchantCertificateSerial"] = keys.MerchantSerialNumber,
            ["Wechat:Pay:ApiV3Key"] = keys.ApiV3Key,
            ["Wechat:Pay:PlatformPublicKeyId"] = keys.PublicKeyId,
            ["Wechat:Pay:PlatformPublicKeyPem"] = keys.PlatformPublicKeyPem,
        };
    }

    /// <summary>Another backend instance: its own container, HTTP clients and Redis connection.</summary>
    public ServiceProvider CreateBackend(Action<Dictionary<string, string?>>? change = null, WireLog? wire = null, string? keyPrefix = null)
    {
        var settings = Settings(keyPrefix);
        change?.Invoke(settings);
        var services = new ServiceCollection();
        services.AddLogging();
        services.AddSingleton(ConnectRedis());
        services.AddWechat(new ConfigurationBuilder().AddInMemoryCollection(settings).Build());
        var log = wire ?? new WireLog();
        services.ConfigureHttpClientDefaults(b => b.ConfigurePrimaryHttpMessageHandler(log.CreatePrimaryHandler));
        // The real retry policy with test-sized delays.
        services.PostConfigureAll<HttpStandardResilienceOptions>(o => o.Retry.Delay = TimeSpan.FromMilliseconds(1));
        var provider = services.BuildServiceProvider(new ServiceProviderOptions { ValidateOnBuild = true, ValidateScopes = true });
        lock (_providers)
        {
            _providers.Add(provider);
        }

        return provider;
    }

    /// <summary>A new connection to the real Redis (WL_TEST_REDIS, default 127.0.0.1:6380), closed with the fixture.</summary>
    public IConnectionMultiplexer ConnectRedis()
    {
        var connection = ConnectionMultiplexer.Connect(RedisFixture.Endpoint + ",connectTimeout=3000");
        lock (_redisConnections)
        {
            _redisConnections.Add(connection);
        }

        return connection;
    }

    /// <summary>A simulated WeChat user (unionid, both openids, phone).</summary>
    public async Task<TestUser> CreateUserAsync()
    {
        var user = await SimPostAsync("/sim/users");
        return new TestUser(user.GetProperty("unionid").GetString()!, user.GetProperty("mini_openid").GetString()!,
            user.GetProperty("oa_openid").GetString()!, user.GetProperty("phone").GetString()!);
    }

    /// <summary>wx.login: a fresh single-use code; <paramref name="rotateSessionKey"/> makes WeChat issue a new session_key.</summary>
    public async Task<string> LoginCodeAsync(TestUser user, bool rotateSessionKey = false) =>
        (await SimPostAsync($"/sim/users/{user.UnionId}/login", new { rotate_session_key = rotateSessionKey })).GetProperty("code").GetString()!;

    public async Task<JsonElement> SimPostAsync(string path, object? body = null)
    {
        using var response = await SimHttp.PostAsJsonAsync(path, body ?? new { });
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.IsSuccessStatusCode, $"POST {path} → {(int)response.StatusCode} {text}");
        return text.Length == 0 ? default : JsonDocument.Parse(text).RootElement.Clone();
    }

    protected virtual void ConfigureSimulator(SimOptions options)
    {
    }

    protected virtual void CleanUp()
    {
    }
}

public sealed record TestUser(string UnionId, string MiniOpenId, string OaOpenId, string Phone);
