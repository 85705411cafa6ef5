using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using WechatLoyalty.Api.Tests.Infrastructure;

namespace WechatLoyalty.Api.Tests;

public class HealthTests(LoyaltyApiFactory factory) : IClassFixture<LoyaltyApiFactory>
{
    [Fact]
    public async Task Live_Returns200_WithoutTouchingDependencies()
    {
        var response = await factory.CreateClient().GetAsync("/health/live");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var body = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal("Healthy", body.GetProperty("status").GetString());
        Assert.Empty(body.GetProperty("checks").EnumerateObject());
    }

    [Fact]
    public async Task Ready_ReportsMariaDbAndRedisHealthy_WhenBothAnswer()
    {
        var response = await factory.CreateClient().GetAsync("/health/ready");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var body = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal("Healthy", body.GetProperty("status").GetString());
        Assert.Equal("Healthy", body.GetProperty("checks").GetProperty("mariadb").GetProperty("status").GetString());
        Assert.Equal("Healthy", body.GetProperty("checks").GetProperty("redis").GetProperty("status").GetString());
    }
}

public class UnreachableRedisHealthTests(UnreachableRedisHealthTests.Factory factory) : IClassFixture<UnreachableRedisHealthTests.Factory>
{
    public class Factory : LoyaltyApiFactory
    {
        // A port nothing listens on: the API must still start (degraded), and say it is not ready.
        protected override IEnumerable<KeyValuePair<string, string?>> Settings =>
            [new("ConnectionStrings:Redis", "127.0.0.1:1,connectTimeout=500,syncTimeout=500,asyncTimeout=500")];
    }

    [Fact]
    public async Task Ready_Returns503_WhenRedisIsDown()
    {
        var client = factory.CreateClient();

        var ready = await client.GetAsync("/health/ready");
        var live = await client.GetAsync("/health/live");

        Assert.Equal(HttpStatusCode.ServiceUnavailable, ready.StatusCode);
        var body = await ready.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal("Unhealthy", body.GetProperty("checks").GetProperty("redis").GetProperty("status").GetString());
        Assert.Equal("Healthy", body.GetProperty("checks").GetProperty("mariadb").GetProperty("status").GetString());
        Assert.Equal(HttpStatusCode.OK, live.StatusCode);
    }
}
