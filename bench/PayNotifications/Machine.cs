using System.Runtime.InteropServices;

namespace WechatLoyalty.PayNotifications;

/// <summary>The facts a reader needs to judge the numbers: CPUs, memory, load, MariaDB and how it flushes.</summary>
internal static class Machine
{
    public static async Task<(List<string> Facts, int? MariaDbPid)> DescribeAsync(Sql server)
    {
        var facts = new List<string>
        {
            $"nproc: {Environment.ProcessorCount}; CPU: {CpuModel()}",
            $"memory: {MemTotal()}",
            $".NET: {Environment.Version}, OS: {RuntimeInformation.OSDescription}",
            $"load average at start: {LoadAverage()} (the client, the API and MariaDB all share these CPUs)",
        };
        var row = (await server.QueryAsync("""
            SELECT VERSION(), @@innodb_buffer_pool_size, @@innodb_log_file_size, @@innodb_flush_log_at_trx_commit, @@innodb_flush_method,
                   @@innodb_doublewrite, @@sync_binlog, @@log_bin, @@max_connections, @@thread_handling, @@innodb_io_capacity,
                   @@pid_file, @@datadir, @@tx_isolation
            """, r => Enumerable.Range(0, r.FieldCount).Select(i => Convert.ToString(r.GetValue(i), System.Globalization.CultureInfo.InvariantCulture) ?? "").ToArray())).Single();
        facts.Add($"MariaDB: {row[0]}");
        facts.Add($"innodb_buffer_pool_size: {long.Parse(row[1], System.Globalization.CultureInfo.InvariantCulture) / 1048576} MB; " +
            $"innodb_log_file_size: {long.Parse(row[2], System.Globalization.CultureInfo.InvariantCulture) / 1048576} MB; " +
            $"innodb_flush_log_at_trx_commit: {row[3]}; flush_method: {row[4]}; doublewrite: {row[5]}; sync_binlog: {row[6]}; log_bin: {row[7]}; " +
            $"max_connections: {row[8]}; thread_handling: {row[9]}; io_capacity: {row[10]}; isolation: {row[13]}");
        var pidFile = Path.IsPathRooted(row[11]) ? row[11] : Path.Combine(row[12], row[11]);
        int? pid = File.Exists(pidFile) && int.TryParse(File.ReadAllText(pidFile).Trim(), out var p) && File.Exists($"/proc/{p}/stat") ? p : null;
        return (facts, pid);
    }

    public static string LoadAverage() => File.Exists("/proc/loadavg") ? string.Join(' ', File.ReadAllText("/proc/loadavg").Split(' ').Take(3)) : "unknown";

    private static string CpuModel() =>
        File.Exists("/proc/cpuinfo")
            ? File.ReadLines("/proc/cpuinfo").FirstOrDefault(l => l.StartsWith("model name", StringComparison.Ordinal))?.Split(':', 2)[1].Trim() ?? "unknown"
            : "unknown";

    private static string MemTotal()
    {
        var line = File.Exists("/proc/meminfo") ? File.ReadLines("/proc/meminfo").FirstOrDefault(l => l.StartsWith("MemTotal:", StringComparison.Ordinal)) : null;
        if (line is null) return "unknown";
        var kb = long.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1], System.Globalization.CultureInfo.InvariantCulture);
        return $"{kb / 1048576.0:0.0} GB";
    }
}
