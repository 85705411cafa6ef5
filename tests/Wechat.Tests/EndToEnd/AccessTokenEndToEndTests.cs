using Microsoft.Extensions.DependencyInjection;
using WechatLoyalty.Wechat.AccessTokens;
using WechatLoyalty.Wechat.OfficialAccount;

namespace WechatLoyalty.Wechat.Tests.EndToEnd;

/// <summary>The shared Redis token cache against the simulator's stable_token and its token checks (40001/42001).</summary>
public sealed class AccessTokenEndToEndTests(SimulatorBackendFixture fixture) : IClassFixture<SimulatorBackendFixture>
{
    [Theory]
    [InlineData("invalidate")]
    [InlineData("expire")]
    public async Task BusinessCall_RefreshesOnceAndRetriesOnce_WhenSimulatorRevokesToken(string knob)
    {
        var wire = new WireLog();
        var prefix = NewPrefix();
        var client = fixture.CreateBackend(wire: wire, keyPrefix: prefix).GetRequiredService<OfficialAccountClient>();
        var user = await fixture.CreateUserAsync();
        await client.GetUserInfoAsync(user.OaOpenId);
        var redis = fixture.ConnectRedis().GetDatabase();
        var key = AccessTokenKeys.Token(prefix, fixture.OaAppId);
        var revoked = (string?)await redis.StringGetAsync(key);

        var affected = await fixture.SimPostAsync($"/sim/tokens/{knob}", new { app_id = fixture.OaAppId });
        var info = await client.GetUserInfoAsync(user.OaOpenId);

        Assert.True(affected.GetProperty("affected").GetInt32() >= 1);
        Assert.Equal(user.UnionId, info.Unionid);
        Assert.Equal(2, wire.Count("cgi-bin/stable_token"));
        Assert.Equal(3, wire.Count("cgi-bin/user/info"));
        var current = (string?)await redis.StringGetAsync(key);
        Assert.NotNull(revoked);
        Assert.NotEqual(revoked, current);
        lock (fixture.Sim.State.Gate)
        {
            var record = fixture.Sim.State.TokensByValue[current!];
            Assert.False(record.Invalidated);
            Assert.True(record.ExpiresAt > fixture.Sim.Clock.GetUtcNow());
        }
    }

    [Fact]
    public async Task TwoInstances_CauseOneTokenCallAndAreBothServed_WhenTheyShareRedisAndPrefix()
    {
        await fixture.SimPostAsync("/sim/tokens/invalidate", new { app_id = fixture.OaAppId }); // the next stable_token issues a new token
        var issuedBefore = IssuedTokens();
        var wire = new WireLog();
        var prefix = NewPrefix();
        var first = fixture.CreateBackend(wire: wire, keyPrefix: prefix).GetRequiredService<OfficialAccountClient>();
        var second = fixture.CreateBackend(wire: wire, keyPrefix: prefix).GetRequiredService<OfficialAccountClient>();
        var user = await fixture.CreateUserAsync();

        var answers = await Task.WhenAll(Enumerable.Range(0, 8).Select(i => (i % 2 == 0 ? first : second).GetUserInfoAsync(user.OaOpenId)));

        Assert.All(answers, a => Assert.Equal(user.UnionId, a.Unionid));
        Assert.Equal(1, wire.Count("cgi-bin/stable_token"));
        Assert.Equal(8, wire.Count("cgi-bin/user/info"));
        Assert.Equal(issuedBefore + 1, IssuedTokens());
    }

    [Fact]
    public async Task TwoInstances_EachCallStableToken_WhenTheirPrefixesDiffer()
    {
        var wire = new WireLog();
        var first = fixture.CreateBackend(wire: wire, keyPrefix: NewPrefix()).GetRequiredService<OfficialAccountClient>();
        var second = fixture.CreateBackend(wire: wire, keyPrefix: NewPrefix()).GetRequiredService<OfficialAccountClient>();
        var user = await fixture.CreateUserAsync();

        await first.GetUserInfoAsync(user.OaOpenId);
        await second.GetUserInfoAsync(user.OaOpenId);

        // Isolation by prefix: nothing shared, so each instance refreshes (the counting above is not vacuous).
        Assert.Equal(2, wire.Count("cgi-bin/stable_token"));
    }

    private static string NewPrefix() => "e2e-tokens-" + Guid.NewGuid().ToString("N");

    private int IssuedTokens()
    {
        lock (fixture.Sim.State.Gate)
        {
            return fixture.Sim.State.Tokens.Count(t => t.AppId == fixture.OaAppId);
        }
    }
}
