using MySqlConnector;

namespace WechatLoyalty.Api.Tests.Infrastructure;

/// <summary>
/// A throw-away MariaDB database for one test class. Its name carries its creation time so test.sh can drop
/// the ones an interrupted run left behind.
/// </summary>
internal sealed class TestDatabase : IAsyncDisposable
{
    private TestDatabase(string name)
    {
        Name = name;
        ConnectionString = $"{TestEnvironment.MySqlServer};Database={name}";
    }

    public string Name { get; }

    public string ConnectionString { get; }

    public static async Task<TestDatabase> CreateAsync()
    {
        var name = $"wechat_loyalty_test_{DateTime.UtcNow:yyyyMMddHHmmss}_{Guid.NewGuid():N}"[..48];
        await ExecuteAsync($"CREATE DATABASE `{name}` CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci");
        return new TestDatabase(name);
    }

    public async ValueTask DisposeAsync()
    {
        MySqlConnection.ClearAllPools();
        await ExecuteAsync($"DROP DATABASE IF EXISTS `{Name}`");
    }

    private static async Task ExecuteAsync(string sql)
    {
        await using var connection = new MySqlConnection(TestEnvironment.MySqlServer);
        await connection.OpenAsync();
        await using var command = new MySqlCommand(sql, connection);
        await command.ExecuteNonQueryAsync();
    }
}
