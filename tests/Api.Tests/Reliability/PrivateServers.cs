using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using MySqlConnector;

namespace WechatLoyalty.Api.Tests.Reliability;

/// <summary>
/// A MariaDB or Redis server of the test's own (own port, own temp data folder), started from the same command lines
/// as scripts/services.sh, so an outage test can kill and restart it without touching the shared servers.
/// </summary>
public abstract class PrivateServer : IAsyncDisposable
{
    private Process? _process;

    protected PrivateServer(string kind)
    {
        Directory = Path.Combine(Path.GetTempPath(), $"wl-{kind}-{Guid.NewGuid():N}"[..24]);
        System.IO.Directory.CreateDirectory(Directory);
        Port = FreePort();
    }

    public string Directory { get; }

    public int Port { get; }

    public bool Running => _process is { HasExited: false };

    protected abstract (string File, string Arguments) CommandLine { get; }

    protected abstract Task<bool> AnswersAsync();

    /// <summary>Starts the server and waits until it answers.</summary>
    public async Task StartAsync()
    {
        var (file, arguments) = CommandLine;
        _process = Process.Start(new ProcessStartInfo(file, arguments) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false })
            ?? throw new InvalidOperationException($"{file} did not start");
        _process.OutputDataReceived += (_, _) => { };
        _process.ErrorDataReceived += (_, _) => { };
        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();
        var until = DateTime.UtcNow.AddSeconds(60);
        while (!await AnswersAsync())
        {
            if (_process.HasExited) throw new InvalidOperationException($"{file} exited with {_process.ExitCode}");
            if (DateTime.UtcNow > until) throw new TimeoutException($"{file} did not answer on port {Port}");
            await Task.Delay(100);
        }
    }

    /// <summary>Kills the server (SIGKILL: a crash, not a polite shutdown) and waits until it is gone.</summary>
    public async Task KillAsync()
    {
        if (_process is null || _process.HasExited) return;
        _process.Kill();
        await _process.WaitForExitAsync();
        _process.Dispose();
        _process = null;
    }

    public async ValueTask DisposeAsync()
    {
        await KillAsync();
        try
        {
            System.IO.Directory.Delete(Directory, recursive: true);
        }
        catch (IOException)
        {
            // Left in the temp folder; nothing depends on it.
        }
        GC.SuppressFinalize(this);
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}

/// <summary>mariadbd on its own port and datadir (mariadb-install-db once). Grant tables are skipped: nobody else can reach it.</summary>
public sealed class PrivateMariaDb() : PrivateServer("mariadb")
{
    public string ServerConnectionString => $"Server=127.0.0.1;Port={Port};User ID=root;Password=;Connection Timeout=3";

    protected override (string File, string Arguments) CommandLine => ("mariadbd",
        $"--no-defaults --datadir={Directory}/data --port={Port} --bind-address=127.0.0.1 --socket={Directory}/mysqld.sock "
        + $"--pid-file={Directory}/mariadbd.pid --log-error={Directory}/error.log --user={Environment.UserName} "
        + "--character-set-server=utf8mb4 --collation-server=utf8mb4_unicode_ci --default-time-zone=+00:00 --innodb-buffer-pool-size=64M "
        + "--max-connections=200 --skip-name-resolve --skip-grant-tables --skip-log-bin");

    public static async Task<PrivateMariaDb> StartNewAsync()
    {
        var server = new PrivateMariaDb();
        using var install = Process.Start(new ProcessStartInfo("mariadb-install-db",
            $"--no-defaults --datadir={server.Directory}/data --user={Environment.UserName} --auth-root-authentication-method=normal --skip-test-db")
            { RedirectStandardOutput = true, RedirectStandardError = true })!;
        var log = install.StandardOutput.ReadToEndAsync();
        var errors = install.StandardError.ReadToEndAsync();
        await install.WaitForExitAsync();
        if (install.ExitCode != 0) throw new InvalidOperationException($"mariadb-install-db failed: {await log} {await errors}");
        await server.StartAsync();
        return server;
    }

    protected override async Task<bool> AnswersAsync()
    {
        try
        {
            await using var connection = new MySqlConnection(ServerConnectionString);
            await connection.OpenAsync();
            return true;
        }
        catch (MySqlException)
        {
            return false;
        }
    }
}

/// <summary>redis-server on its own port and folder; append-only with fsync on every write, so a kill loses nothing.</summary>
public sealed class PrivateRedis() : PrivateServer("redis")
{
    public string Configuration => $"127.0.0.1:{Port}";

    protected override (string File, string Arguments) CommandLine => ("redis-server",
        $"--port {Port} --bind 127.0.0.1 --dir {Directory} --appendonly yes --appendfsync always --save \"\" --daemonize no --protected-mode yes");

    public static async Task<PrivateRedis> StartNewAsync()
    {
        var server = new PrivateRedis();
        await server.StartAsync();
        return server;
    }

    protected override async Task<bool> AnswersAsync()
    {
        try
        {
            using var client = new TcpClient();
            await client.ConnectAsync(IPAddress.Loopback, Port);
            var stream = client.GetStream();
            await stream.WriteAsync("PING\r\n"u8.ToArray());
            var buffer = new byte[16];
            var read = await stream.ReadAsync(buffer);
            return read > 0 && buffer[0] == (byte)'+';
        }
        catch (SocketException)
        {
            return false;
        }
    }
}
