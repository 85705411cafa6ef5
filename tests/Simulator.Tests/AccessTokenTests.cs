using WechatLoyalty.Simulator.Tests.Infrastructure;
using static WechatLoyalty.Simulator.Tests.Infrastructure.SimulatorFixture;

namespace WechatLoyalty.Simulator.Tests;

public class AccessTokenTests(SimulatorFixture fixture) : IClassFixture<SimulatorFixture>
{
    [Fact]
    public async Task StableToken_ReturnsSameToken_WhenCalledAgainInNormalMode()
    {
        var first = await fixture.TokenAsync(OaAppId, OaSecret);
        var second = await fixture.TokenAsync(OaAppId, OaSecret);

        Assert.Equal(first, second);
    }

    [Fact]
    public async Task StableToken_Returns40013_WhenAppIdUnknown()
    {
        var result = await fixture.PostAsync("/cgi-bin/stable_token", new { grant_type = "client_credential", appid = "wx0000000000000099", secret = MiniSecret });

        Assert.Equal(40013, ErrCode(result));
        Assert.Contains("rid: ", result.GetProperty("errmsg").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task StableToken_Returns40125_WhenSecretWrong()
    {
        var result = await fixture.PostAsync("/cgi-bin/stable_token", new { grant_type = "client_credential", appid = MiniAppId, secret = "wrong" });

        Assert.Equal(40125, ErrCode(result));
    }

    [Fact]
    public async Task StableToken_InvalidatesOldTokenAtOnce_WhenForced()
    {
        var old = await fixture.MiniTokenAsync();
        var forced = await fixture.TokenAsync(MiniAppId, MiniSecret, force: true);

        var withOld = await fixture.PostAsync($"/wxa/getwxacodeunlimit?access_token={old}", new { scene = "s=1" });
        var again = await fixture.PostAsync("/cgi-bin/stable_token", new { grant_type = "client_credential", appid = MiniAppId, secret = MiniSecret, force_refresh = true });

        Assert.NotEqual(old, forced);
        Assert.Equal(40001, ErrCode(withOld));
        Assert.Equal(45011, ErrCode(again)); // force mode: at least 30 s between calls
    }

    [Fact]
    public async Task Api_Returns40001_WhenTokenInvalidatedByKnob()
    {
        var token = await fixture.OaTokenAsync();
        await fixture.PostAsync("/sim/tokens/invalidate", new { appid = OaAppId });

        var result = await fixture.GetAsync($"/cgi-bin/user/info?access_token={token}&openid=nobody");
        var fresh = await fixture.OaTokenAsync();

        Assert.Equal(40001, ErrCode(result));
        Assert.NotEqual(token, fresh);
    }

    [Fact]
    public async Task Api_Returns42001_WhenTokenExpired()
    {
        var user = await fixture.CreateUserAsync();
        var token = await fixture.OaTokenAsync();
        fixture.Sim.Clock.Advance(TimeSpan.FromSeconds(7201));
        try
        {
            var result = await fixture.GetAsync($"/cgi-bin/user/info?access_token={token}&openid={user.GetProperty("oa_openid").GetString()}");

            Assert.Equal(42001, ErrCode(result));
        }
        finally
        {
            fixture.Sim.Clock.ResetOffset();
        }
    }

    [Fact]
    public async Task Api_Returns48001_WhenTokenBelongsToTheOtherApp()
    {
        var miniToken = await fixture.MiniTokenAsync();

        var result = await fixture.GetAsync($"/cgi-bin/user/info?access_token={miniToken}&openid=x");

        Assert.Equal(48001, ErrCode(result));
    }
}
