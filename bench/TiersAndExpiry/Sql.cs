using System.Diagnostics;
using MySqlConnector;

namespace WechatLoyalty.TiersAndExpiry;

/// <summary>Raw SQL on the bench database, with timing and a line of console output per step.</summary>
internal sealed class Sql(string connectionString) : IAsyncDisposable
{
    private MySqlConnection? _connection;

    public string ConnectionString => connectionString;

    public async Task<MySqlConnection> OpenAsync()
    {
        if (_connection is not null) return _connection;
        _connection = new MySqlConnection(connectionString);
        await _connection.OpenAsync();
        return _connection;
    }

    public async Task<int> ExecAsync(string text, params (string Name, object? Value)[] parameters)
    {
        await using var command = await CommandAsync(text, parameters);
        return await command.ExecuteNonQueryAsync();
    }

    public async Task<T> ScalarAsync<T>(string text, params (string Name, object? Value)[] parameters)
    {
        await using var command = await CommandAsync(text, parameters);
        var value = await command.ExecuteScalarAsync();
        return value is null or DBNull ? default! : (T)Convert.ChangeType(value, Nullable.GetUnderlyingType(typeof(T)) ?? typeof(T), System.Globalization.CultureInfo.InvariantCulture);
    }

    public async Task<List<object?[]>> RowsAsync(string text, params (string Name, object? Value)[] parameters)
    {
        await using var command = await CommandAsync(text, parameters);
        await using var reader = await command.ExecuteReaderAsync();
        var rows = new List<object?[]>();
        while (await reader.ReadAsync())
        {
            var row = new object?[reader.FieldCount];
            for (var i = 0; i < row.Length; i++) row[i] = reader.IsDBNull(i) ? null : reader.GetValue(i);
            rows.Add(row);
        }
        return rows;
    }

    public async Task<MySqlCommand> CommandAsync(string text, params (string Name, object? Value)[] parameters)
    {
        var command = new MySqlCommand(text, await OpenAsync()) { CommandTimeout = 0 };
        foreach (var (name, value) in parameters) command.Parameters.AddWithValue(name, value);
        return command;
    }

    /// <summary>Runs a step, prints how long it took, returns the elapsed time.</summary>
    public static async Task<TimeSpan> StepAsync(string what, Func<Task> step)
    {
        Console.Write($"  {what} ... ");
        var watch = Stopwatch.StartNew();
        await step();
        Console.WriteLine($"{watch.Elapsed.TotalSeconds:0.0} s");
        return watch.Elapsed;
    }

    public async ValueTask DisposeAsync()
    {
        if (_connection is not null) await _connection.DisposeAsync();
        _connection = null; // a later call opens a fresh connection
    }
}
