using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.Options;
using WechatLoyalty.Api.Tests.Infrastructure;

namespace WechatLoyalty.Api.Tests;

/// <summary>A missing or malformed setting stops start-up with a message that names the setting.</summary>
public class OptionsValidationTests
{
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
    public void StartUp_FailsNamingTheSetting_WhenSettingIsMissingOrMalformed(string key, string value, string named)
    {
        using var factory = new WebApplicationFactory<Program>().WithWebHostBuilder(b =>
        {
            b.UseEnvironment("Testing");
            b.UseSetting("ConnectionStrings:Loyalty", "Server=127.0.0.1;Port=1;Database=none;User ID=x;Password=y");
            b.UseSetting("ConnectionStrings:Redis", "127.0.0.1:1,abortConnect=false");
            b.UseSetting("Database:MigrateOnStartup", "false");
            foreach (var (k, v) in TestSecrets.All) b.UseSetting(k, v);
            b.UseSetting(key, value);
        });

        var ex = Assert.ThrowsAny<Exception>(() => factory.CreateClient());

        var validation = Assert.IsType<OptionsValidationException>(Unwrap(ex));
        Assert.Contains(named, validation.Message);
    }

    private static Exception Unwrap(Exception ex) =>
        ex is AggregateException { InnerExceptions.Count: 1 } agg ? Unwrap(agg.InnerExceptions[0]) : ex;
}
