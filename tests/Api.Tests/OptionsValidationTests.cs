extern alias sim;

using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.Options;
using sim::WechatLoyalty.Simulator.Hosting;
using WechatLoyalty.Api.Tests.Infrastructure;

namespace WechatLoyalty.Api.Tests;

/// <summary>A missing or malformed setting stops start-up with a message that names the setting.</summary>
public class OptionsValidationTests(OptionsValidationTests.SimulatorFixture simulator) : IClassFixture<OptionsValidationTests.SimulatorFixture>
{
    /// <summary>A simulator for its key material: every setting but the one under test is valid.</summary>
    public sealed class SimulatorFixture : IAsyncLifetime
    {
        public RunningSimulator Simulator { get; private set; } = null!;

        public async Task InitializeAsync() => Simulator = await SimulatorHost.StartAsync();

        public async Task DisposeAsync() => await Simulator.DisposeAsync();
    }

    [Theory]
    [InlineData("ConnectionStrings:Loyalty", "", "ConnectionStrings:Loyalty")]
    [InlineData("ConnectionStrings:Redis", "", "ConnectionStrings:Redis")]
    [InlineData("Programme:TimeZone", "Mars/Olympus_Mons", "Programme:TimeZone")]
    [InlineData("Programme:Preset", "flowers", "Programme:Preset")]
    [InlineData("Redis:KeyPrefix", "bad prefix with spaces", "Redis:KeyPrefix")]
    [InlineData("Database:ServerVersion", "", "Database:ServerVersion")]
    [InlineData("Auth:MemberTokenKey", "", "Auth:MemberTokenKey")]
    [InlineData("Auth:MemberTokenKey", "c2hvcnQ=", "Auth:MemberTokenKey")]
    [InlineData("Security:DataKey", "not base64!", "Security:DataKey")]
    [InlineData("Wechat:MiniProgram:AppId", "", "Wechat:MiniProgram:AppId")]
    [InlineData("Wechat:Pay:ApiV3Key", "too-short", "Wechat:Pay:ApiV3Key")]
    [InlineData("Members:JoinPage", "/pages/join?x=1", "Members:JoinPage")]
    public void StartUp_FailsNamingTheSetting_WhenSettingIsMissingOrMalformed(string key, string value, string named)
    {
        using var factory = new WebApplicationFactory<Program>().WithWebHostBuilder(b =>
        {
            b.UseEnvironment("Testing");
            b.UseSetting("ConnectionStrings:Loyalty", "Server=127.0.0.1;Port=1;Database=none;User ID=x;Password=y");
            b.UseSetting("ConnectionStrings:Redis", "127.0.0.1:1,abortConnect=false");
            b.UseSetting("Database:MigrateOnStartup", "false");
            foreach (var (k, v) in TestSecrets.All) b.UseSetting(k, v);
            foreach (var (k, v) in WechatSettings.For(simulator.Simulator, "http://127.0.0.1:1", "options-test")) b.UseSetting(k, v);
            b.UseSetting(key, value);
        });

        var ex = Assert.ThrowsAny<Exception>(() => factory.CreateClient());

        var validation = Assert.IsType<OptionsValidationException>(Unwrap(ex));
        Assert.Contains(named, validation.Message);
    }

    private static Exception Unwrap(Exception ex) =>
        ex is AggregateException { InnerExceptions.Count: 1 } agg ? Unwrap(agg.InnerExceptions[0]) : ex;
}
