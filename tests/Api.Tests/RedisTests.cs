using Microsoft.Extensions.DependencyInjection;
using StackExchange.Redis;
using WechatLoyalty.Jobs.Hosting;
using WechatLoyalty.Api.Tests.Infrastructure;

namespace WechatLoyalty.Api.Tests;

public class RedisTests(LoyaltyApiFactory factory) : IClassFixture<LoyaltyApiFactory>
{
    [Fact]
    public void Multiplexer_IsOnePerProcess()
    {
        Assert.Same(factory.Services.GetRequiredService<IConnectionMultiplexer>(),
            factory.Services.GetRequiredService<IConnectionMultiplexer>());
    }

    [Fact]
    public async Task Keys_CarryTheConfiguredPrefix_AndRoundTripThroughRedis()
    {
        var keys = factory.Services.GetRequiredService<RedisKeys>();
        var redis = factory.Services.GetRequiredService<IConnectionMultiplexer>().GetDatabase();
        var key = keys.For("probe", "1");

        await redis.StringSetAsync(key, "v", TimeSpan.FromMinutes(1));

        Assert.StartsWith(factory.KeyPrefix, key.ToString());
        Assert.Equal("v", (string?)await redis.StringGetAsync(key));
    }
}
