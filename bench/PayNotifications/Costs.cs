using System.Diagnostics;
using System.Security.Cryptography;
using System.Text;
using WechatLoyalty.Wechat.Pay;
using WechatLoyalty.Wechat.Pay.Notifications;

namespace WechatLoyalty.PayNotifications;

/// <summary>Microseconds per operation of the notification crypto, single thread, on this machine.</summary>
internal sealed record CryptoCosts(double SignUs, double VerifyUs, double DecryptUs, double ParseRawUs);

/// <summary>
/// Where the time goes, measured outside the HTTP path: the product's own <see cref="WechatPayNotificationParser"/>
/// (freshness, key by serial, RSA verify over the raw body, envelope, AES-GCM) timed in-process, and its parts.
/// </summary>
internal static class Costs
{
    public static CryptoCosts MeasureCrypto(KeySet keys, NotificationFactory factory, IReadOnlyList<BenchOrder> sampleOrders)
    {
        using var platform = RSA.Create();
        platform.ImportFromPem(keys.PlatformPrivateKeyPem);
        using var publicKey = RSA.Create();
        publicKey.ImportSubjectPublicKeyInfo(platform.ExportSubjectPublicKeyInfo(), out _);
        var verifier = new WechatPaySignatureVerifier(new WechatPayPlatformKeys(keys.PublicKeyId, publicKey), TimeProvider.System, TimeSpan.FromMinutes(5));
        var apiV3 = Encoding.UTF8.GetBytes(keys.ApiV3Key);
        var parser = new WechatPayNotificationParser(verifier, apiV3);

        var signWatch = Stopwatch.StartNew();
        var signed = sampleOrders.Select(factory.Sign).ToArray();
        var signUs = signWatch.Elapsed.TotalMicroseconds / signed.Length;

        double Time(Action<SignedNotification> action)
        {
            foreach (var n in signed.Take(50)) action(n); // warm-up
            var watch = Stopwatch.StartNew();
            foreach (var n in signed) action(n);
            return watch.Elapsed.TotalMicroseconds / signed.Length;
        }
        static WechatPaySignatureHeaders Headers(SignedNotification n, string serial) => new(n.Timestamp, n.Nonce, n.Signature, serial);
        var verifyUs = Time(n =>
        {
            if (verifier.Verify(Headers(n, keys.PublicKeyId), n.Body) is { } error) throw new InvalidOperationException(error.ToString());
        });
        var resources = signed.Select(n => System.Text.Json.JsonDocument.Parse(n.Body).RootElement.GetProperty("resource"))
            .Select(r => (Nonce: r.GetProperty("nonce").GetString()!, Data: r.GetProperty("ciphertext").GetString()!)).ToArray();
        var index = 0;
        var decryptUs = Time(_ =>
        {
            var r = resources[index++ % resources.Length];
            ApiV3Aead.Decrypt(apiV3, r.Nonce, "transaction", r.Data);
        });
        var parseUs = Time(n => parser.ParseRaw(n.Body, Headers(n, keys.PublicKeyId)));
        return new CryptoCosts(signUs, verifyUs, decryptUs, parseUs);
    }
}

/// <summary>MariaDB's global status counters, before and after a phase; the difference per notification is the DB work.</summary>
internal sealed class ServerCounters
{
    public static readonly string[] Names =
    [
        "Questions", "Com_select", "Com_insert", "Com_update", "Com_delete", "Com_begin", "Com_commit", "Com_rollback",
        "Com_savepoint", "Com_release_savepoint", "Com_rollback_to_savepoint", "Com_stmt_prepare", "Com_stmt_execute", "Com_set_option",
        "Com_reset_connection", "Connections", "Innodb_row_lock_waits", "Innodb_row_lock_time", "Innodb_deadlocks", "Innodb_os_log_fsyncs",
        "Handler_read_key", "Handler_read_next", "Handler_write",
    ];

    private readonly Dictionary<string, long> _values;

    private ServerCounters(Dictionary<string, long> values) => _values = values;

    public static async Task<ServerCounters> ReadAsync(Sql sql)
    {
        var rows = await sql.QueryAsync("SHOW GLOBAL STATUS", r => (Name: r.GetString(0), Value: r.GetString(1)));
        var values = rows.Where(r => Names.Contains(r.Name, StringComparer.OrdinalIgnoreCase))
            .ToDictionary(r => r.Name, r => long.TryParse(r.Value, out var v) ? v : 0, StringComparer.OrdinalIgnoreCase);
        return new ServerCounters(values);
    }

    /// <summary>(name, per-unit difference) for the counters that moved.</summary>
    public IReadOnlyList<(string Name, double PerUnit)> PerUnitSince(ServerCounters before, long units) =>
        Names.Where(n => _values.ContainsKey(n) && before._values.ContainsKey(n))
            .Select(n => (n, (_values[n] - before._values[n]) / (double)Math.Max(1, units)))
            .Where(x => Math.Abs(x.Item2) >= 0.005).ToList();
}

/// <summary>CPU used by the processes on this machine during a phase: the API, MariaDB (when local) and the bench itself.</summary>
internal sealed record CpuSample(double Api, double MariaDb, double Bench, DateTime At)
{
    public static CpuSample Take(ApiProcess? api, int? mariaDbPid) => new(
        api?.CpuSeconds() ?? 0, mariaDbPid is { } pid ? ProcCpu.Seconds(pid) : 0,
        Process.GetCurrentProcess().TotalProcessorTime.TotalSeconds, DateTime.UtcNow);

    public static CpuSample operator -(CpuSample after, CpuSample before) =>
        new(after.Api - before.Api, after.MariaDb - before.MariaDb, after.Bench - before.Bench, after.At);
}
