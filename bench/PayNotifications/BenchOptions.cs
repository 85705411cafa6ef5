using System.Globalization;

namespace WechatLoyalty.PayNotifications;

/// <summary>
/// Command line and environment. Self-contained by default: the bench starts the API itself on its own database
/// (<see cref="DefaultDatabase"/>, dropped and re-created every run). With <c>--api-url</c> it posts at an API that is
/// already running (./run.sh) and seeds its orders into that API's database (<c>--database</c>).
/// </summary>
internal sealed record BenchOptions(
    string RepoRoot, string ServerConnectionString, string Database, string? ApiUrl, string KeysDirectory, string RedisConnection,
    string MchId, string AppId, int Orders, int Members, int Warmup, int Concurrency, double DuplicateShare, int RawSeconds,
    string ResultsDirectory, IReadOnlyList<(string Key, string Value)> ApiEnvironment)
{
    public const string DefaultServer = "Server=127.0.0.1;Port=3307;User ID=loyalty;Password=loyalty-dev-password";
    public const string DefaultDatabase = "wechat_loyalty_bench_pay";

    public bool SelfContained => ApiUrl is null;

    public string ConnectionString => $"{ServerConnectionString};Database={Database};DefaultCommandTimeout=0";

    public static BenchOptions Parse(string[] args)
    {
        var root = FindRepoRoot();
        string? apiUrl = Env("WL_BENCH_API_URL"), keys = Env("WL_BENCH_KEYS"), database = null;
        int orders = 20_000, members = 4_000, warmup = 1_000, concurrency = 32, rawSeconds = 10;
        var duplicates = 0.3;
        var apiEnvironment = new List<(string, string)>();
        for (var i = 0; i < args.Length; i++)
        {
            switch (args[i])
            {
                case "--orders": orders = Int(args[++i]); break;
                case "--members": members = Int(args[++i]); break;
                case "--warmup": warmup = Int(args[++i]); break;
                case "--concurrency": concurrency = Int(args[++i]); break;
                case "--duplicates": duplicates = double.Parse(args[++i], CultureInfo.InvariantCulture); break;
                case "--raw-seconds": rawSeconds = Int(args[++i]); break;
                case "--api-url": apiUrl = args[++i]; break;
                case "--database": database = args[++i]; break;
                case "--keys": keys = args[++i]; break;
                case "--api-env":
                    var pair = args[++i].Split('=', 2);
                    apiEnvironment.Add((pair[0], pair.Length > 1 ? pair[1] : ""));
                    break;
                default: throw new ArgumentException($"Unknown argument '{args[i]}'. See bench/README.md.");
            }
        }
        if (orders < 1 || members < 1 || concurrency < 1 || warmup < 0 || rawSeconds < 1) throw new ArgumentException("Counts must be positive.");
        if (duplicates is < 0 or > 1) throw new ArgumentException("--duplicates is a share between 0 and 1.");
        database ??= apiUrl is null ? DefaultDatabase : "wechat_loyalty";
        if (!database.StartsWith("wechat_loyalty", StringComparison.Ordinal) || database.Any(c => !(char.IsAsciiLetterOrDigit(c) || c == '_')))
            throw new ArgumentException("--database must be a plain name starting with wechat_loyalty.");

        var dataDir = Env("WL_DATA_DIR") ?? Path.Combine(root, ".data");
        // The simulator's keys when it has run; otherwise (self-contained only) a key set the bench generates in the same layout.
        var simulatorKeys = Path.Combine(dataDir, "wechat-sim-keys");
        keys ??= File.Exists(Path.Combine(simulatorKeys, "platform", "private_key.pem")) || apiUrl is not null
            ? simulatorKeys : Path.Combine(dataDir, "bench-pay-keys");
        var results = Env("WL_BENCH_RESULTS") ?? Path.Combine(root, "bench", "results");
        return new BenchOptions(root, (Env("WL_BENCH_MYSQL") ?? DefaultServer).TrimEnd(';'), database, apiUrl?.TrimEnd('/'),
            Path.GetFullPath(keys), Env("WL_BENCH_REDIS") ?? "127.0.0.1:" + (Env("WL_REDIS_PORT") ?? "6380"),
            Env("WL_BENCH_MCHID") ?? "1900000001", Env("WL_BENCH_APPID") ?? "wx5e1f0a9b2c3d4e01",
            orders, Math.Min(members, orders + warmup), warmup, concurrency, duplicates, rawSeconds, results, apiEnvironment);
    }

    public string Describe() =>
        $"{Orders:N0} orders (+{Warmup:N0} warm-up) for {Members:N0} members, {Concurrency} concurrent, " +
        $"{DuplicateShare:P0} duplicates, raw commits {RawSeconds} s per measurement; " +
        (SelfContained ? $"API started by the bench on database {Database}" : $"API at {ApiUrl} (database {Database})") +
        string.Concat(ApiEnvironment.Select(e => $"; API env {e.Key}={e.Value}"));

    private static int Int(string s) => int.Parse(s, NumberStyles.Integer, CultureInfo.InvariantCulture);

    private static string? Env(string name) => Environment.GetEnvironmentVariable(name) is { Length: > 0 } v ? v : null;

    private static string FindRepoRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "WechatLoyalty.sln"))) return dir.FullName;
        for (var dir = new DirectoryInfo(Environment.CurrentDirectory); dir is not null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "WechatLoyalty.sln"))) return dir.FullName;
        throw new InvalidOperationException("Cannot find the repository root (WechatLoyalty.sln).");
    }
}
