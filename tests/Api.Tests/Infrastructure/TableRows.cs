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

    /// <summary>The tables whose row count differs, as "table: before → after".</summary>
    public static IReadOnlyList<string> Changed(IReadOnlyDictionary<string, long> before, IReadOnlyDictionary<string, long> after) =>
        before.Keys.Union(after.Keys)
            .Where(t => before.GetValueOrDefault(t) != after.GetValueOrDefault(t))
            .Select(t => $"{t}: {before.GetValueOrDefault(t)} → {after.GetValueOrDefault(t)}")
            .ToList();
}
