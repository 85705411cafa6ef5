using System.Text.Json;
using WechatLoyalty.Simulator.Tests.Infrastructure;
using static WechatLoyalty.Simulator.Tests.Infrastructure.SimulatorFixture;

namespace WechatLoyalty.Simulator.Tests;

public class SubscribeMessageTests(SimulatorFixture fixture) : IClassFixture<SimulatorFixture>
{
    private const string Template = "TPL_POINTS_EARNED";

    private async Task<JsonElement> SendAsync(string openId, string thing = "Points earned")
    {
        var token = await fixture.MiniTokenAsync();
        return await fixture.PostAsync($"/cgi-bin/message/subscribe/send?access_token={token}", new
        {
            touser = openId,
            template_id = Template,
            page = "pages/points/index?from=msg",
            data = new { thing1 = new { value = thing }, number2 = new { value = "120" }, time3 = new { value = "2025-01-01 12:00" } },
        });
    }

    [Fact]
    public async Task Send_Returns43101_WhenUserNeverAccepted()
    {
        var user = await fixture.CreateUserAsync();

        var result = await SendAsync(user.GetProperty("mini_openid").GetString()!);

        Assert.Equal(43101, ErrCode(result));
    }

    [Fact]
    public async Task Send_ConsumesExactlyOneCreditPerAccept()
    {
        var user = await fixture.CreateUserAsync();
        var id = user.GetProperty("unionid").GetString()!;
        var consent = await fixture.PostAsync($"/sim/users/{id}/subscribe-consent", new { decisions = new Dictionary<string, string> { [Template] = "accept" } });

        var first = await SendAsync(user.GetProperty("mini_openid").GetString()!);
        var second = await SendAsync(user.GetProperty("mini_openid").GetString()!);

        Assert.Equal("accept", consent.GetProperty(Template).GetString());
        Assert.Equal("requestSubscribeMessage:ok", consent.GetProperty("errMsg").GetString());
        Assert.Equal(0, ErrCode(first));
        Assert.True(first.GetProperty("msgid").GetInt64() > 0);
        Assert.Equal(43101, ErrCode(second));
    }

    [Fact]
    public async Task Send_Returns43101_WhenUserRejectedOrBanned()
    {
        var user = await fixture.CreateUserAsync();
        var id = user.GetProperty("unionid").GetString()!;
        await fixture.PostAsync($"/sim/users/{id}/subscribe-consent", new { decisions = new Dictionary<string, string> { [Template] = "ban" } });
        var afterBan = await fixture.PostAsync($"/sim/users/{id}/subscribe-consent", new { decisions = new Dictionary<string, string> { [Template] = "accept" } });

        var result = await SendAsync(user.GetProperty("mini_openid").GetString()!);

        Assert.Equal("ban", afterBan.GetProperty(Template).GetString());
        Assert.Equal(43101, ErrCode(result));
    }

    [Theory]
    [InlineData("This thing value is longer than twenty")]
    [InlineData("line one\nline two")]
    public async Task Send_Returns47003AndKeepsCredit_WhenThingViolatesLimits(string thing)
    {
        var user = await fixture.CreateUserAsync();
        var id = user.GetProperty("unionid").GetString()!;
        await fixture.PostAsync($"/sim/users/{id}/subscribe-consent", new { decisions = new Dictionary<string, string> { [Template] = "accept" } });

        var bad = await SendAsync(user.GetProperty("mini_openid").GetString()!, thing);
        var good = await SendAsync(user.GetProperty("mini_openid").GetString()!);

        Assert.Equal(47003, ErrCode(bad));
        Assert.Contains("thing1", bad.GetProperty("errmsg").GetString(), StringComparison.Ordinal);
        Assert.Equal(0, ErrCode(good));
    }

    [Fact]
    public async Task Send_Returns40003_WhenTouserIsTheOaOpenId()
    {
        var user = await fixture.CreateUserAsync();

        var result = await SendAsync(user.GetProperty("oa_openid").GetString()!);

        Assert.Equal(40003, ErrCode(result));
    }

    [Fact]
    public async Task Send_IsRecordedForInspection_WithRecipientTemplateAndResult()
    {
        var user = await fixture.CreateUserAsync();
        var openId = user.GetProperty("mini_openid").GetString()!;
        await SendAsync(openId);

        var messages = await fixture.GetAsync("/sim/messages");

        var recorded = messages.EnumerateArray().Single(m => m.GetProperty("touser").GetString() == openId);
        Assert.Equal("subscribe", recorded.GetProperty("kind").GetString());
        Assert.Equal(Template, recorded.GetProperty("template_id").GetString());
        Assert.Equal(43101, recorded.GetProperty("errcode").GetInt32());
        Assert.Contains("Points earned", recorded.GetProperty("body").GetString(), StringComparison.Ordinal);
    }
}

public class SubscribeQuotaTests(SimulatorFixture fixture) : IClassFixture<SimulatorFixture>
{
    [Fact]
    public async Task Send_Returns45009_WhenDailyQuotaExhausted()
    {
        var user = await fixture.CreateUserAsync();
        await fixture.PostAsync($"/sim/users/{user.GetProperty("unionid").GetString()}/subscribe-consent",
            new { decisions = new Dictionary<string, string> { ["TPL"] = "accept" } });
        var token = await fixture.MiniTokenAsync();
        await fixture.SetFaultsAsync(new { quota_exhausted = true });

        var result = await fixture.PostAsync($"/cgi-bin/message/subscribe/send?access_token={token}",
            new { touser = user.GetProperty("mini_openid").GetString(), template_id = "TPL", data = new { thing1 = new { value = "hi" } } });

        Assert.Equal(45009, ErrCode(result));
    }
}
