using StackExchange.Redis;

namespace WechatLoyalty.Wechat.Tests.Support;

/// <summary>A real Redis (WL_TEST_REDIS, default 127.0.0.1:6380). Tests isolate themselves with unique key prefixes.</summary>
public sealed class RedisFixture : IDisposable
{
    public static string Endpoint => Environment.GetEnvironmentVariable("WL_TEST_REDIS") is { Length: > 0 } value ? value : "127.0.0.1:6380";

    private readonly List<ConnectionMultiplexer> _connections = [];

    /// <summary>A new multiplexer: one per simulated application instance.</summary>
    public IConnectionMultiplexer Connect()
    {
        var connection = ConnectionMultiplexer.Connect(Endpoint + ",connectTimeout=3000");
        lock (_connections)
        {
            _connections.Add(connection);
        }

        return connection;
    }

    public void Dispose()
    {
        foreach (var connection in _connections)
        {
            connection.Dispose();
        }
    }
}
