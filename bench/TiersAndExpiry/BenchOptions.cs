using System.Globalization;

namespace WechatLoyalty.TiersAndExpiry;

/// <summary>Command line and environment: scale, repeats, what to force.</summary>
internal sealed record BenchOptions(
    string ServerConnectionString, string Database, double Scale, int Repeats, bool Regenerate, bool ProposedIndex,
    bool SkipTiers, bool SkipExpiry, int ExpiryBatchSize, string ResultsDirectory)
{
    public const string DefaultServer = "Server=127.0.0.1;Port=3307;User ID=loyalty;Password=loyalty-dev-password";
    public const int FullMembers = 1_000_000;
    public const int PaymentsPerMember = 10;

    public int Members => Math.Max(100, (int)Math.Round(FullMembers * Scale));
    public long Payments => (long)Members * PaymentsPerMember;

    public string ConnectionString =>
        $"{ServerConnectionString};Database={Database};DefaultCommandTimeout=0;AllowUserVariables=true";

    public static BenchOptions Parse(string[] args)
    {
        var scale = double.Parse(Environment.GetEnvironmentVariable("WL_BENCH_SCALE") ?? "1", CultureInfo.InvariantCulture);
        var repeats = 2;
        var batch = Domain.Points.PointsMaintenance.DefaultBatchSize;
        bool regenerate = false, proposed = true, skipTiers = false, skipExpiry = false;
        for (var i = 0; i < args.Length; i++)
        {
            switch (args[i])
            {
                case "--scale": scale = double.Parse(args[++i], CultureInfo.InvariantCulture); break;
                case "--repeats": repeats = int.Parse(args[++i], CultureInfo.InvariantCulture); break;
                case "--batch": batch = int.Parse(args[++i], CultureInfo.InvariantCulture); break;
                case "--regenerate": regenerate = true; break;
                case "--no-proposed-index": proposed = false; break;
                case "--skip-tiers": skipTiers = true; break;
                case "--skip-expiry": skipExpiry = true; break;
                default: throw new ArgumentException($"Unknown argument '{args[i]}'. See bench/README.md.");
            }
        }
        if (scale is <= 0 or > 1) throw new ArgumentException("--scale must be in (0, 1].");
        var server = Environment.GetEnvironmentVariable("WL_BENCH_MYSQL") is { Length: > 0 } s ? s : DefaultServer;
        var results = Path.GetFullPath(Path.Combine(AppContext.BaseDirectory, "../../../../results"));
        if (Environment.GetEnvironmentVariable("WL_BENCH_RESULTS") is { Length: > 0 } r) results = r;
        return new BenchOptions(server.TrimEnd(';'), "wechat_loyalty_bench", scale, Math.Max(1, repeats), regenerate, proposed,
            skipTiers, skipExpiry, batch, results);
    }
}
