using MySqlConnector;

namespace WechatLoyalty.Api.Tests.Infrastructure;

/// <summary>
/// Row counts of every table of a database, read from the server (not the EF model), so a table a new feature adds
/// is counted too: "nothing was written" means no table changed.
/// </summary>
internal static class TableRows
{
    public static async Task<IReadOnlyDictionary<string, long>> CountAsync(string connectionString)
    {
        await using var connection = new MySqlConnection(connectionString);
        await connection.OpenAsync();
        var tables = new List<string>();
        await using (var list = new MySqlCommand(
            "SELECT table_name FROM information_schema.tables WHERE table_schema = DATABASE() AND table_type = 'BASE TABLE' ORDER BY table_name", connection))
        await using (var reader = await list.ExecuteReaderAsync())
        {
            while (await reader.ReadAsync()) tables.Add(reader.GetString(0));
        }
        var counts = new Dictionary<string, long>();
        foreach (var table in tables)
        {
            await using var count = new MySqlCommand($"SELECT COUNT(*) FROM `{table}`", connection);
            counts[table] = Convert.ToInt64(await count.ExecuteScalarAsync());
        }
        return counts;
    }

    /// <summary>
    /// CHECKSUM TABLE of every table: changes when any row is inserted, deleted or updated, so an update that a
    /// count would miss (a balance, a status) shows too.
    /// </summary>
    public static async Task<IReadOnlyDictionary<string, long>> ChecksumAsync(string connectionString)
    {
        await using var connection = new MySqlConnection(connectionString);
        await connection.OpenAsync();
        var tables = new List<string>();
        await using (var list = new MySqlCommand(
            "SELECT table_name FROM information_schema.tables WHERE table_schema = DATABASE() AND table_type = 'BASE TABLE'", connection))
        await using (var names = await list.ExecuteReaderAsync())
        {
            while (await names.ReadAsync()) tables.Add(names.GetString(0));
        }
        var sums = new Dictionary<string, long>();
        await using var command = new MySqlCommand($"CHECKSUM TABLE {string.Join(", ", tables.Select(t => $"`{t}`"))}", connection);
        await using var reader = await command.ExecuteReaderAsync();
        while (await reader.ReadAsync())
        {
            var name = reader.GetString(0);
            sums[name[(name.IndexOf('.') + 1)..]] = reader.IsDBNull(1) ? -1 : Convert.ToInt64(reader.GetValue(1));
        }
        return sums;
    }

    /// <summary>The tables whose row count (or checksum) differs, as "table: before → after".</summary>
    public static IReadOnlyList<string> Changed(IReadOnlyDictionary<string, long> before, IReadOnlyDictionary<string, long> after) =>
        before.Keys.Union(after.Keys)
            .Where(t => before.GetValueOrDefault(t) != after.GetValueOrDefault(t))
            .Select(t => $"{t}: {before.GetValueOrDefault(t)} → {after.GetValueOrDefault(t)}")
            .ToList();
}
