using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography;
using System.Text.RegularExpressions;

namespace WechatLoyalty.PayNotifications;

/// <summary>
/// The API as a child process (<c>dotnet src/Api/bin/&lt;config&gt;/net10.0/WechatLoyalty.Api.dll</c>), configured as
/// ./run.sh configures it (scripts/simulator.env: MchId, AppId, key directory) but on the bench's own database, with
/// its own Redis key prefix, no Hangfire server, and JSON logs at Warning so logging does not dominate.
/// Output goes to a log file; warnings and errors are counted for the report.
/// </summary>
internal sealed partial class ApiProcess : IAsyncDisposable
{
    private readonly Process _process;
    private readonly StreamWriter _log;
    private int _warnings, _errors;

    private ApiProcess(Process process, StreamWriter log, string url)
    {
        _process = process;
        _log = log;
        Url = url;
    }

    public string Url { get; }

    public int Pid => _process.Id;

    public (int Warnings, int Errors) LogCounts => (_warnings, _errors);

    public static string LogPath => Path.Combine(Path.GetTempPath(), "wl-bench-pay-api.log");

    public static string ApiDll(BenchOptions options)
    {
        var configuration = AppContext.BaseDirectory.Contains($"{Path.DirectorySeparatorChar}Debug{Path.DirectorySeparatorChar}", StringComparison.Ordinal)
            ? "Debug" : "Release";
        var dll = System.Environment.GetEnvironmentVariable("WL_BENCH_API_DLL") is { Length: > 0 } other
            ? other // another build of the API, e.g. an experiment in a copy of the repository
            : Path.Combine(options.RepoRoot, "src", "Api", "bin", configuration, "net10.0", "WechatLoyalty.Api.dll");
        return File.Exists(dll) ? dll : throw new InvalidOperationException($"{dll} is missing: build with `dotnet build src/Api -c {configuration}`.");
    }

    /// <summary>Applies the EF migrations to the bench database with the API's own <c>migrate</c> command.</summary>
    public static async Task MigrateAsync(BenchOptions options, KeySet keys)
    {
        using var process = Process.Start(StartInfo(options, keys, ["migrate"], null))!;
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        if (process.ExitCode != 0) throw new InvalidOperationException($"migrate failed ({process.ExitCode}): {await output}{await error}");
    }

    public static async Task<ApiProcess> StartAsync(BenchOptions options, KeySet keys)
    {
        var port = FreePort();
        var url = $"http://127.0.0.1:{port}";
        var process = Process.Start(StartInfo(options, keys, ["--urls", url], port))!;
        var api = new ApiProcess(process, new StreamWriter(LogPath, append: false) { AutoFlush = false }, url);
        process.OutputDataReceived += (_, e) => api.OnLine(e.Data);
        process.ErrorDataReceived += (_, e) => api.OnLine(e.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(5) };
        for (var deadline = DateTime.UtcNow.AddSeconds(90); DateTime.UtcNow < deadline; await Task.Delay(250))
        {
            if (process.HasExited) throw new InvalidOperationException($"The API exited during start-up ({process.ExitCode}); see {LogPath}.");
            try
            {
                using var response = await http.GetAsync(url + "/health/ready");
                if (response.StatusCode == HttpStatusCode.OK) return api;
            }
            catch (HttpRequestException)
            {
                // not listening yet
            }
            catch (TaskCanceledException)
            {
                // starting slowly
            }
        }
        await api.DisposeAsync();
        throw new InvalidOperationException($"The API did not become ready within 90 s; see {LogPath}.");
    }

    private static ProcessStartInfo StartInfo(BenchOptions options, KeySet keys, string[] args, int? port)
    {
        var dll = ApiDll(options);
        var info = new ProcessStartInfo("dotnet")
        {
            WorkingDirectory = Path.GetDirectoryName(dll)!,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        info.ArgumentList.Add(dll);
        foreach (var a in args) info.ArgumentList.Add(a);
        foreach (var (key, value) in Environment(options, keys, port ?? 5080)) info.Environment[key] = value;
        return info;
    }

    /// <summary>run.sh's environment (scripts/simulator.env with its ${...} filled in), then the bench's overrides.</summary>
    private static IEnumerable<(string, string)> Environment(BenchOptions options, KeySet keys, int port)
    {
        var vars = new Dictionary<string, string>
        {
            ["WL_SIM_PORT"] = "5180", ["WL_API_PORT"] = port.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["WL_DATA_DIR"] = Path.Combine(options.RepoRoot, ".data"),
        };
        foreach (var line in File.ReadLines(Path.Combine(options.RepoRoot, "scripts", "simulator.env")))
        {
            if (line.StartsWith('#') || !line.Contains('=', StringComparison.Ordinal)) continue;
            var (key, value) = (line[..line.IndexOf('=', StringComparison.Ordinal)], line[(line.IndexOf('=', StringComparison.Ordinal) + 1)..]);
            yield return (key, Placeholder().Replace(value, m => vars.GetValueOrDefault(m.Groups[1].Value, "")));
        }
        string Secret() => Convert.ToBase64String(RandomNumberGenerator.GetBytes(32));
        yield return ("ASPNETCORE_ENVIRONMENT", "Development");
        yield return ("DOTNET_NOLOGO", "1");
        yield return ("DOTNET_CLI_TELEMETRY_OPTOUT", "1");
        yield return ("ConnectionStrings__Loyalty", options.ConnectionString);
        yield return ("ConnectionStrings__Redis", options.RedisConnection);
        yield return ("Redis__KeyPrefix", "loyalty-bench-pay:");
        yield return ("Auth__MemberTokenKey", Secret());
        yield return ("Security__DataKey", Secret());
        yield return ("Security__HashKey", Secret());
        yield return ("Wechat__Pay__MchId", options.MchId);
        yield return ("Wechat__Pay__AppId", options.AppId);
        yield return ("Wechat__Pay__KeysDirectory", keys.Directory);
        yield return ("Database__MigrateOnStartup", "false");
        yield return ("Jobs__ServerEnabled", "false");
        yield return ("Logging__Format", "json");
        yield return ("Serilog__MinimumLevel__Default", "Warning");
        foreach (var extra in options.ApiEnvironment) yield return extra; // --api-env: experiments (a log level, a setting)
    }

    private void OnLine(string? line)
    {
        if (line is null) return;
        if (line.Contains("\"@l\":\"Warning\"", StringComparison.Ordinal)) Interlocked.Increment(ref _warnings);
        else if (line.Contains("\"@l\":\"Error\"", StringComparison.Ordinal) || line.Contains("\"@l\":\"Fatal\"", StringComparison.Ordinal))
            Interlocked.Increment(ref _errors);
        lock (_log) _log.WriteLine(line);
    }

    /// <summary>CPU seconds the API process has used so far (user + system), from /proc.</summary>
    public double CpuSeconds() => ProcCpu.Seconds(_process.Id);

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            // SIGTERM first: the host shuts down gracefully (connections closed, logs flushed).
            if (!OperatingSystem.IsWindows())
            {
                using var term = Process.Start("kill", ["-TERM", _process.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)]);
                await term.WaitForExitAsync();
            }
            using var wait = new CancellationTokenSource(TimeSpan.FromSeconds(15));
            try
            {
                await _process.WaitForExitAsync(wait.Token);
            }
            catch (OperationCanceledException)
            {
                _process.Kill();
            }
        }
        lock (_log) _log.Flush();
        await _log.DisposeAsync();
        _process.Dispose();
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    [GeneratedRegex(@"\$\{([A-Z_]+)\}")]
    private static partial Regex Placeholder();
}

/// <summary>utime + stime of a process, from /proc/&lt;pid&gt;/stat (Linux; 0 elsewhere).</summary>
internal static class ProcCpu
{
    public static double Seconds(int pid)
    {
        var path = $"/proc/{pid}/stat";
        if (!File.Exists(path)) return 0;
        var stat = File.ReadAllText(path);
        var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
        // Fields 14 and 15 of stat (utime, stime), counted after the ")": index 11 and 12. Clock ticks are 100 per second on Linux.
        return (long.Parse(fields[11], System.Globalization.CultureInfo.InvariantCulture) + long.Parse(fields[12], System.Globalization.CultureInfo.InvariantCulture)) / 100.0;
    }
}
