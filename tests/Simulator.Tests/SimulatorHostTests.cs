using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.Extensions.Time.Testing;
using WechatLoyalty.Simulator.Hosting;

namespace WechatLoyalty.Simulator.Tests;

public class SimulatorHostTests
{
    [Fact]
    public async Task StartAsync_ServesRealHttpOnLoopback_WithInjectedTimeProvider()
    {
        var time = new FakeTimeProvider(new DateTimeOffset(2025, 1, 1, 4, 0, 0, TimeSpan.Zero));
        await using var sim = await SimulatorHost.StartAsync(new SimulatorOptions { KeysDirectory = null }, port: 0, timeProvider: time);
        using var http = new HttpClient { BaseAddress = sim.BaseUri };
        var user = await (await http.PostAsJsonAsync("/sim/users", new { })).Content.ReadFromJsonAsync<JsonElement>();
        var login = await (await http.PostAsync($"/sim/users/{user.GetProperty("unionid").GetString()}/login", null)).Content.ReadFromJsonAsync<JsonElement>();

        time.Advance(TimeSpan.FromMinutes(6));
        var session = await http.GetFromJsonAsync<JsonElement>(
            $"/sns/jscode2session?appid={sim.Options.MiniProgram.AppId}&secret={sim.Options.MiniProgram.AppSecret}&js_code={login.GetProperty("code").GetString()}&grant_type=authorization_code");

        Assert.Equal("127.0.0.1", sim.BaseUri.Host);
        Assert.NotEqual(0, sim.BaseUri.Port);
        Assert.Equal(40029, session.GetProperty("errcode").GetInt32());
        Assert.Equal(new DateTimeOffset(2025, 1, 1, 4, 6, 0, TimeSpan.Zero), sim.Clock.GetUtcNow());
    }
}
