using MySqlConnector;

namespace WechatLoyalty.TiersAndExpiry;

/// <summary>The facts a reader needs to judge the numbers: CPUs, memory, disk, MariaDB and its buffer pool.</summary>
internal static class Machine
{
    public static async Task<List<string>> DescribeAsync(BenchOptions options)
    {
        var facts = new List<string>
        {
            $"nproc: {Environment.ProcessorCount}",
            $"memory: {MemTotal()}",
            $"disk free on /work: {new DriveInfo("/work").AvailableFreeSpace / (1024.0 * 1024 * 1024):0.0} GB",
            $".NET: {Environment.Version}, OS: {System.Runtime.InteropServices.RuntimeInformation.OSDescription}",
        };
        await using var connection = new MySqlConnection(options.ServerConnectionString);
        await connection.OpenAsync();
        await using var command = new MySqlCommand("""
            SELECT VERSION(), @@innodb_buffer_pool_size, @@innodb_log_file_size, @@innodb_flush_log_at_trx_commit,
                   @@innodb_flush_method, @@innodb_doublewrite, @@innodb_io_capacity, @@tmp_table_size, @@log_bin
            """, connection);
        await using var reader = await command.ExecuteReaderAsync();
        await reader.ReadAsync();
        facts.Add($"MariaDB: {reader.GetString(0)}");
        facts.Add($"innodb_buffer_pool_size: {reader.GetInt64(1) / 1048576} MB; innodb_log_file_size: {reader.GetInt64(2) / 1048576} MB; " +
            $"flush_log_at_trx_commit: {reader.GetValue(3)}; flush_method: {reader.GetValue(4)}; doublewrite: {reader.GetValue(5)}; " +
            $"io_capacity: {reader.GetValue(6)}; tmp_table_size: {reader.GetInt64(7) / 1048576} MB; log_bin: {reader.GetValue(8)}");
        facts.Add($"scale: {options.Scale} → {options.Members:N0} members, {options.Payments:N0} payments, {options.Payments:N0} lots; repeats: {options.Repeats}");
        return facts;
    }

    private static string MemTotal()
    {
        var line = File.Exists("/proc/meminfo") ? File.ReadLines("/proc/meminfo").FirstOrDefault(l => l.StartsWith("MemTotal:", StringComparison.Ordinal)) : null;
        if (line is null) return "unknown";
        var kb = long.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1], System.Globalization.CultureInfo.InvariantCulture);
        return $"{kb / 1048576.0:0.0} GB";
    }
}
