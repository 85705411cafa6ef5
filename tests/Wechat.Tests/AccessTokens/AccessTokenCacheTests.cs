using Microsoft.Extensions.DependencyInjection;
using StackExchange.Redis;
using WechatLoyalty.Wechat.AccessTokens;
using WechatLoyalty.Wechat.OfficialAccount;
using WechatLoyalty.Wechat.Tests.Support;

namespace WechatLoyalty.Wechat.Tests.AccessTokens;

/// <summary>Two "instances" = two service providers with their own Redis connections, against ONE real Redis.</summary>
public sealed class AccessTokenCacheTests(RedisFixture redis) : IClassFixture<RedisFixture>, IDisposable
{
    private readonly TestKeys _keys = new();
    private readonly string _prefix = "test-" + Guid.NewGuid().ToString("N");
    private readonly FakeWechatApi _api = new();
    private readonly List<ServiceProvider> _providers = [];

    [Fact]
    public async Task GetAsync_RefreshesOnce_WhenTwoInstancesAskConcurrently()
    {
        var first = Instance().GetRequiredService<AccessTokenCache>();
        var second = Instance().GetRequiredService<AccessTokenCache>();
        var app = new WechatAppCredentials(WechatTestServices.OaAppId, "oa-secret");

        var tokens = await Task.WhenAll(first.GetAsync(app), second.GetAsync(app), first.GetAsync(app), second.GetAsync(app));

        Assert.Equal(1, _api.TokensIssued);
        Assert.All(tokens, t => Assert.Equal("T1", t));
    }

    [Fact]
    public async Task GetAsync_StoresTokenUnderPrefixedKey_WithTtlBelowExpiry()
    {
        var cache = Instance().GetRequiredService<AccessTokenCache>();

        await cache.GetAsync(new WechatAppCredentials(WechatTestServices.OaAppId, "oa-secret"));

        var db = redis.Connect().GetDatabase();
        var key = $"loyalty:{_prefix}:wechat:access_token:{WechatTestServices.OaAppId}";
        Assert.Equal(key, AccessTokenKeys.Token(_prefix, WechatTestServices.OaAppId));
        Assert.Equal("T1", (string?)await db.StringGetAsync(key));
        var ttl = await db.KeyTimeToLiveAsync(key);
        Assert.InRange(ttl!.Value, TimeSpan.FromSeconds(6800), TimeSpan.FromSeconds(6900));
    }

    [Fact]
    public async Task BusinessCalls_RefreshOnceAndAllSucceed_When50ConcurrentCallsHit40001()
    {
        var a = Instance().GetRequiredService<OfficialAccountClient>();
        var b = Instance().GetRequiredService<OfficialAccountClient>();
        await a.GetUserInfoAsync("o1");
        Assert.Equal(1, _api.TokensIssued);
        _api.InvalidateCurrentToken();

        var calls = Enumerable.Range(0, 50).Select(i => (i % 2 == 0 ? a : b).GetUserInfoAsync("o1"));
        var users = await Task.WhenAll(calls);

        Assert.All(users, u => Assert.Equal("u1", u.Unionid));
        Assert.Equal(2, _api.TokensIssued);
    }

    [Fact]
    public async Task BusinessCall_RetriesOnlyOnce_WhenFreshTokenIsRejectedToo()
    {
        var client = Instance().GetRequiredService<OfficialAccountClient>();
        _api.Business = (_, _) => StubHandler.Json("{\"errcode\":42001,\"errmsg\":\"access_token expired rid: 1-2-3\"}");

        var ex = await Assert.ThrowsAsync<WechatApiException>(() => client.GetUserInfoAsync("o1"));

        Assert.Equal(WechatErrorKind.InvalidToken, ex.Kind);
        Assert.Equal("1-2-3", ex.Rid);
        Assert.Equal(2, _api.TokensIssued);
    }

    [Fact]
    public async Task InvalidateAsync_KeepsNewerToken_WhenCalledWithStaleValue()
    {
        var cache = Instance().GetRequiredService<AccessTokenCache>();
        var app = new WechatAppCredentials(WechatTestServices.OaAppId, "oa-secret");
        var t1 = await cache.GetAsync(app);
        await cache.InvalidateAsync(app, t1);
        var t2 = await cache.GetAsync(app);

        await cache.InvalidateAsync(app, t1);

        Assert.Equal("T2", t2);
        Assert.Equal("T2", await cache.GetAsync(app));
        Assert.Equal(2, _api.TokensIssued);
    }

    [Fact]
    public async Task GetAsync_ServesFromMemoryWithOneRefresh_WhenRedisIsDown()
    {
        using var down = ConnectionMultiplexer.Connect("127.0.0.1:1,abortConnect=false,connectTimeout=100");
        var cache = Instance(down).GetRequiredService<AccessTokenCache>();
        var app = new WechatAppCredentials(WechatTestServices.OaAppId, "oa-secret");

        var tokens = await Task.WhenAll(cache.GetAsync(app), cache.GetAsync(app), cache.GetAsync(app));

        Assert.All(tokens, t => Assert.Equal("T1", t));
        Assert.Equal(1, _api.TokensIssued);
    }

    public void Dispose()
    {
        foreach (var provider in _providers)
        {
            provider.Dispose();
        }

        _keys.Dispose();
    }

    private ServiceProvider Instance(IConnectionMultiplexer? connection = null)
    {
        var provider = WechatTestServices.Build(WechatTestServices.Settings(_keys, _prefix), _api.Handler, connection ?? redis.Connect());
        _providers.Add(provider);
        return provider;
    }
}
