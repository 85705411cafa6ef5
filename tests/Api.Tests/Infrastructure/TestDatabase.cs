using MySqlConnector;

namespace WechatLoyalty.Api.Tests.Infrastructure;

/// <summary>
/// A throw-away MariaDB database for one test class. Its name carries its creation time so test.sh can drop
/// the ones an interrupted run left behind.
/// </summary>
internal sealed class TestDatabase : IAsyncDisposable
{
    private readonly string _server;

    private TestDatabase(string server, string name)
    {
        _server = server;
        Name = name;
        ConnectionString = $"{server};Database={name}";
    }

    public string Name { get; }

    public string ConnectionString { get; }

    public static async Task<TestDatabase> CreateAsync(string? server = null)
    {
        server ??= TestEnvironment.MySqlServer;
        var name = $"wechat_loyalty_test_{DateTime.UtcNow:yyyyMMddHHmmss}_{Guid.NewGuid():N}"[..48];
        await ExecuteAsync(server, $"CREATE DATABASE `{name}` CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci");
        return new TestDatabase(server, name);
    }

    public async ValueTask DisposeAsync()
    {
        MySqlConnection.ClearAllPools();
        await ExecuteAsync(_server, $"DROP DATABASE IF EXISTS `{Name}`");
    }

    private static async Task ExecuteAsync(string server, string sql)
    {
        await using var connection = new MySqlConnection(server);
        await connection.OpenAsync();
        await using var command = new MySqlCommand(sql, connection);
        await command.ExecuteNonQueryAsync();
    }
}
