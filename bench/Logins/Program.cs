using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using Xunit;
using WechatLoyalty.Api.Tests.Infrastructure;

// Mini-program logins per second over real HTTP (POST /api/mp/login: code2Session at the simulator, identity upsert,
// token pair) vs a bare minimal-API endpoint in the same process answering the same request with a small JSON.
// Target: logins/s ≥ 25% of the bare endpoint's rate. Usage: dotnet run -c Release --project bench/Logins -- [--logins N] [--concurrency N]
CultureInfo.DefaultThreadCurrentCulture = CultureInfo.InvariantCulture;
var logins = Arg("--logins", 2000);
var concurrency = Arg("--concurrency", 16);
var repo = FindRepoRoot();

// WebApplicationFactory finds the API's content root through a manifest only test projects get; point it there.
Environment.SetEnvironmentVariable("ASPNETCORE_TEST_CONTENTROOT_WECHATLOYALTY_API", Path.Combine(repo, "src", "Api"));
var factory = new LoyaltyApiFactory();
await factory.InitializeAsync();
try
{
    using var api = new HttpClient { BaseAddress = new Uri(factory.BaseUrl) };
    using var sim = new HttpClient { BaseAddress = factory.Simulator.BaseUri };
    var users = new List<string>();
    for (var i = 0; i < 50; i++)
        users.Add((await (await sim.PostAsJsonAsync("/sim/users", new { })).Content.ReadFromJsonAsync<JsonElement>()).GetProperty("unionid").GetString()!);
    async Task<List<string>> CodesAsync(int count)
    {
        var codes = new List<string>();
        for (var i = 0; i < count; i++)
            codes.Add((await (await sim.PostAsJsonAsync($"/sim/users/{users[i % users.Count]}/login", new { })).Content.ReadFromJsonAsync<JsonElement>())
                .GetProperty("code").GetString()!);
        return codes;
    }

    // The bare endpoint: same host machine, same process, Kestrel, one JSON body in and out.
    var bareBuilder = WebApplication.CreateSlimBuilder();
    bareBuilder.Logging.ClearProviders();
    bareBuilder.WebHost.UseUrls("http://127.0.0.1:0");
    await using var bare = bareBuilder.Build();
    bare.MapPost("/bare", (LoginBody body) => Results.Json(new { accessToken = "x", refreshToken = "y", registered = false, code = body.Code }));
    await bare.StartAsync();
    using var bareClient = new HttpClient { BaseAddress = new Uri(bare.Urls.First()) };

    Console.WriteLine($"warm-up; then {logins} logins at {concurrency} concurrent");
    await RunAsync(api, "/api/mp/login", await CodesAsync(200));
    await RunAsync(bareClient, "/bare", Enumerable.Range(0, 200).Select(i => "c" + i).ToList());
    var loginCodes = await CodesAsync(logins);
    var (loginRate, loginP99, loginErrors) = await RunAsync(api, "/api/mp/login", loginCodes);
    var (bareRate, bareP99, bareErrors) = await RunAsync(bareClient, "/bare", Enumerable.Range(0, logins * 4).Select(i => "c" + i).ToList());

    var ratio = loginRate / bareRate;
    var report = $"""
        # Logins — {DateTime.UtcNow:yyyy-MM-dd HH:mm} UTC

        {Environment.ProcessorCount} cores, {logins} logins at {concurrency} concurrent over HTTP (API on Kestrel, WeChat simulator in-process).

        | what | rate (/s) | p99 (ms) | errors |
        |---|---:|---:|---:|
        | `POST /api/mp/login` (code2Session at the simulator, identity upsert, token pair) | {loginRate:F0} | {loginP99:F1} | {loginErrors} |
        | bare minimal-API `POST` (same body, small JSON answer) | {bareRate:F0} | {bareP99:F1} | {bareErrors} |

        Login rate / bare rate: **{ratio:P0}** (target ≥ 25%: {(ratio >= 0.25 ? "met" : "MISSED")}).
        """;
    Console.WriteLine(report);
    var results = Path.Combine(repo, "bench", "results");
    Directory.CreateDirectory(results);
    await File.WriteAllTextAsync(Path.Combine(results, $"logins-{DateTime.UtcNow:yyyy-MM-dd}.md"), report + "\n");
    await bare.StopAsync();
}
finally
{
    await ((IAsyncLifetime)factory).DisposeAsync();
}

async Task<(double Rate, double P99, int Errors)> RunAsync(HttpClient client, string path, List<string> codes)
{
    var latencies = new double[codes.Count];
    var errors = 0;
    var next = -1;
    var watch = Stopwatch.StartNew();
    await Task.WhenAll(Enumerable.Range(0, concurrency).Select(async _ =>
    {
        int i;
        while ((i = Interlocked.Increment(ref next)) < codes.Count)
        {
            var started = Stopwatch.GetTimestamp();
            using var response = await client.PostAsJsonAsync(path, new { code = codes[i] });
            if (!response.IsSuccessStatusCode) Interlocked.Increment(ref errors);
            latencies[i] = Stopwatch.GetElapsedTime(started).TotalMilliseconds;
        }
    }));
    var seconds = watch.Elapsed.TotalSeconds;
    Array.Sort(latencies);
    return (codes.Count / seconds, latencies[(int)(latencies.Length * 0.99)], errors);
}

int Arg(string name, int fallback)
{
    var i = Array.IndexOf(args, name);
    return i >= 0 && i + 1 < args.Length ? int.Parse(args[i + 1], CultureInfo.InvariantCulture) : fallback;
}

static string FindRepoRoot()
{
    var dir = new DirectoryInfo(AppContext.BaseDirectory);
    while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "WechatLoyalty.sln"))) dir = dir.Parent;
    return dir?.FullName ?? Directory.GetCurrentDirectory();
}

internal sealed record LoginBody(string Code);
