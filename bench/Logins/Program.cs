using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
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

    // Where a login's time goes: every SQL command and outgoing HTTP call of a further batch of logins (activities of
    // MySqlConnector and System.Net.Http), and the simulator's own code2Session rate from a raw client at the same concurrency.
    var profiled = Math.Min(logins, 500);
    var profileCodes = await CodesAsync(profiled);
    var groups = new System.Collections.Concurrent.ConcurrentDictionary<string, (long Count, double Ms)>();
    using (var listener = new ActivityListener
    {
        ShouldListenTo = s => s.Name is "MySqlConnector" or "System.Net.Http",
        Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded,
        ActivityStopped = a =>
        {
            var key = a.Source.Name == "System.Net.Http"
                ? (a.GetTagItem("url.full") as string ?? "") is var url && url.Contains("jscode2session", StringComparison.Ordinal) ? "HTTP → simulator sns/jscode2session"
                    : url.Contains("/api/mp/login", StringComparison.Ordinal) ? "the login request itself (client → API, all of the below inside)" : "HTTP " + a.DisplayName
                : "SQL " + SqlKind(a.GetTagItem("db.query.text") as string ?? a.GetTagItem("db.statement") as string ?? a.DisplayName);
            groups.AddOrUpdate(key, (1, a.Duration.TotalMilliseconds), (_, v) => (v.Count + 1, v.Ms + a.Duration.TotalMilliseconds));
        },
    })
    {
        ActivitySource.AddActivityListener(listener);
        await RunAsync(api, "/api/mp/login", profileCodes);
    }
    var profileRows = string.Join("\n", groups.OrderByDescending(g => g.Value.Ms)
        .Select(g => $"| {g.Key} | {g.Value.Count / (double)profiled:F2} | {g.Value.Ms / g.Value.Count:F2} |"));
    var loginMean = groups.Where(g => g.Key.StartsWith("the login request", StringComparison.Ordinal)).Select(g => g.Value.Ms / g.Value.Count).DefaultIfEmpty(0).Max();

    // The simulator alone: code2Session straight from a client at the same concurrency.
    var rawCodes = await CodesAsync(Math.Min(logins, 1000));
    var mpApp = factory.Simulator.Options.MiniProgram;
    var (codeRate, codeP99, codeErrors) = await RunGetAsync(sim, rawCodes.Select(c =>
        $"/sns/jscode2session?appid={mpApp.AppId}&secret={mpApp.AppSecret}&js_code={c}&grant_type=authorization_code").ToList());

    // The CPU-only steps, one thread, no I/O: JWT signing as MemberTokens does it, and the session key's encryption.
    var tokenOptions = factory.Services.GetRequiredService<Microsoft.Extensions.Options.IOptions<WechatLoyalty.Api.Infrastructure.Auth.AuthOptions>>().Value;
    var jwtWatch = Stopwatch.StartNew();
    for (var i = 0; i < 2000; i++)
    {
        var token = new System.IdentityModel.Tokens.Jwt.JwtSecurityToken("wechat-loyalty", "mini-program",
            [new System.Security.Claims.Claim("sub", i.ToString(CultureInfo.InvariantCulture))], notBefore: DateTime.UtcNow, expires: DateTime.UtcNow.AddHours(2),
            signingCredentials: new Microsoft.IdentityModel.Tokens.SigningCredentials(new Microsoft.IdentityModel.Tokens.SymmetricSecurityKey(tokenOptions.MemberTokenKeyBytes),
                Microsoft.IdentityModel.Tokens.SecurityAlgorithms.HmacSha256));
        _ = new System.IdentityModel.Tokens.Jwt.JwtSecurityTokenHandler().WriteToken(token);
    }
    var jwtMs = jwtWatch.Elapsed.TotalMilliseconds / 2000;
    var protector = factory.Services.GetRequiredService<WechatLoyalty.Domain.Security.PersonalDataProtector>();
    var protectWatch = Stopwatch.StartNew();
    for (var i = 0; i < 2000; i++) _ = protector.Encrypt("c2Vzc2lvbmtleTAxMjM0NTY=", "session-key");
    var protectMs = protectWatch.Elapsed.TotalMilliseconds / 2000;

    var ratio = loginRate / bareRate;
    var report = $"""
        # Logins — {DateTime.UtcNow:yyyy-MM-dd HH:mm} UTC

        {Environment.ProcessorCount} cores, {logins} logins at {concurrency} concurrent over HTTP (API on Kestrel, WeChat simulator in-process).

        | what | rate (/s) | p99 (ms) | errors |
        |---|---:|---:|---:|
        | `POST /api/mp/login` (code2Session at the simulator, identity upsert, token pair) | {loginRate:F0} | {loginP99:F1} | {loginErrors} |
        | bare minimal-API `POST` (same body, small JSON answer) | {bareRate:F0} | {bareP99:F1} | {bareErrors} |
        | simulator alone: `GET sns/jscode2session` from a raw client, same concurrency | {codeRate:F0} | {codeP99:F1} | {codeErrors} |

        Login rate / bare rate: **{ratio:P0}** (target ≥ 25%: {(ratio >= 0.25 ? "met" : "MISSED")}).

        Load average at the end: {File.ReadAllText("/proc/loadavg").Split(' ').Take(3).Aggregate((a, b) => a + " " + b)} (shared machine).

        ## Where a login's time goes ({profiled} further logins observed; mean login {loginMean:F1} ms as the client saw it)
        | step | per login | mean (ms) |
        |---|---:|---:|
        {profileRows}
        | JWT signing (HMAC-SHA256, `JwtSecurityTokenHandler`), CPU only, one thread | 1 | {jwtMs:F3} |
        | session-key encryption (`PersonalDataProtector.Encrypt`), CPU only, one thread | 1 | {protectMs:F3} |
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

async Task<(double Rate, double P99, int Errors)> RunGetAsync(HttpClient client, List<string> paths)
{
    var latencies = new double[paths.Count];
    var errors = 0;
    var next = -1;
    var watch = Stopwatch.StartNew();
    await Task.WhenAll(Enumerable.Range(0, concurrency).Select(async _ =>
    {
        int i;
        while ((i = Interlocked.Increment(ref next)) < paths.Count)
        {
            var started = Stopwatch.GetTimestamp();
            using var response = await client.GetAsync(paths[i]);
            var body = await response.Content.ReadAsStringAsync();
            if (!response.IsSuccessStatusCode || body.Contains("errcode\":4", StringComparison.Ordinal)) Interlocked.Increment(ref errors);
            latencies[i] = Stopwatch.GetElapsedTime(started).TotalMilliseconds;
        }
    }));
    var seconds = watch.Elapsed.TotalSeconds;
    Array.Sort(latencies);
    return (paths.Count / seconds, latencies[(int)(latencies.Length * 0.99)], errors);
}

static string SqlKind(string sql)
{
    var s = sql.TrimStart();
    var verb = s.Split([' ', '\n', '\r', '\t'], 2)[0].ToUpperInvariant();
    if (verb == "OPEN") return "connection open (pool checkout, reset)";
    verb = new[] { "INSERT", "UPDATE", "DELETE" }.Where(v => s.Contains(v + " ", StringComparison.OrdinalIgnoreCase))
        .OrderBy(v => s.IndexOf(v + " ", StringComparison.OrdinalIgnoreCase)).FirstOrDefault() ?? verb;
    var table = new[] { "member_identities", "member_sessions", "members" }.FirstOrDefault(t => s.Contains($"`{t}`", StringComparison.Ordinal) || s.Contains($" {t}", StringComparison.Ordinal)) ?? "?";
    return $"{verb} {table}";
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
