using MySqlConnector;

namespace WechatLoyalty.PayNotifications;

/// <summary>One connection for the bench's own set-based statements (seeding, counters, verification).</summary>
internal sealed class Sql(string connectionString) : IAsyncDisposable
{
    private readonly MySqlConnection _connection = new(connectionString);

    public async Task<int> ExecAsync(string sql, params (string Name, object? Value)[] parameters)
    {
        await using var command = await CommandAsync(sql, parameters);
        return await command.ExecuteNonQueryAsync();
    }

    public async Task<T> ScalarAsync<T>(string sql, params (string Name, object? Value)[] parameters)
    {
        await using var command = await CommandAsync(sql, parameters);
        var value = await command.ExecuteScalarAsync();
        return value is null or DBNull ? default! : (T)Convert.ChangeType(value, Nullable.GetUnderlyingType(typeof(T)) ?? typeof(T), System.Globalization.CultureInfo.InvariantCulture);
    }

    public async Task<List<T>> QueryAsync<T>(string sql, Func<MySqlDataReader, T> map, params (string Name, object? Value)[] parameters)
    {
        await using var command = await CommandAsync(sql, parameters);
        await using var reader = await command.ExecuteReaderAsync();
        var rows = new List<T>();
        while (await reader.ReadAsync()) rows.Add(map(reader));
        return rows;
    }

    private async Task<MySqlCommand> CommandAsync(string sql, (string Name, object? Value)[] parameters)
    {
        if (_connection.State != System.Data.ConnectionState.Open) await _connection.OpenAsync();
        var command = new MySqlCommand(sql, _connection) { CommandTimeout = 0 };
        foreach (var (name, value) in parameters) command.Parameters.AddWithValue(name, value);
        return command;
    }

    public ValueTask DisposeAsync() => _connection.DisposeAsync();
}
