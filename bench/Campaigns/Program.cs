using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Runtime.InteropServices;
using System.Text.Json;
using Microsoft.AspNetCore.Hosting;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using MySqlConnector;
using Xunit;
using WechatLoyalty.Api.Tests.Infrastructure;
using WechatLoyalty.Domain.Admin;
using WechatLoyalty.Domain.Campaigns;
using WechatLoyalty.Domain.Messaging;
using WechatLoyalty.Domain.Stores;
using WechatLoyalty.Simulator;
using WechatLoyalty.Simulator.State;

// A campaign to N members (all OA followers, so every send is an OA template message) through the product —
// CampaignFanout → DispatcherCampaignSender → MessageDispatcher.SendManyAsync → the WeChat simulator over HTTP — with the message
// pace off (Messages:SendRatePerSecond at its maximum), vs the simulator's own accepting rate for template sends,
// measured in the same run by a raw client at the same concurrency (before and after the campaign; the mean is the limit).
// Goal: campaign sends/s ≥ 80% of the raw rate. Afterwards: exactly one delivery per member, in our database and in
// what the simulator's WeChat recorded.
// Usage: dotnet run -c Release --project bench/Campaigns -- [--members N] [--raw N] [--batch N] [--parallelism N]
CultureInfo.DefaultThreadCurrentCulture = CultureInfo.InvariantCulture;
var members = Arg("--members", 100_000);
var rawSends = Arg("--raw", 20_000);
var batchSize = Arg("--batch", 1000);
var parallelism = Arg("--parallelism", 16);
// An experiment, not the product's setting: MySqlConnector's pool resets a connection on every checkout (one round trip).
var connectionReset = !args.Contains("--no-connection-reset");
var repo = FindRepoRoot();
Environment.SetEnvironmentVariable("ASPNETCORE_TEST_CONTENTROOT_WECHATLOYALTY_API", Path.Combine(repo, "src", "Api"));

var loadAtStart = LoadAverage();
var factory = new BenchFactory(batchSize, parallelism, connectionReset);
await factory.InitializeAsync();
try
{
    var sim = factory.Simulator;
    var oaAppId = sim.Options.OfficialAccount.AppId;
    const string oaTemplate = "OA_TPL_campaign_0001";

    // WeChat users in the simulator, all following the OA: the campaign's members and a separate set for the raw client.
    var rawUsers = Math.Min(rawSends, 2000);
    lock (sim.State.Gate)
    {
        var now = DateTimeOffset.UtcNow;
        for (var i = 1; i <= members; i++) sim.State.AddUser(User("bench", i, now));
        for (var i = 1; i <= rawUsers; i++) sim.State.AddUser(User("raw", i, now));
    }

    // Members set-based in the bench database (the factory's own database): one store, N members, each with a
    // following OA identity whose openid is the simulator user's.
    var watch = Stopwatch.StartNew();
    var storeId = await factory.WithDbAsync(async db =>
    {
        var store = new Store { Code = "BENCH1", Name = "Bench store", City = "上海", CreatedAt = DateTime.UtcNow };
        db.Stores.Add(store);
        await db.SaveChangesAsync();
        return store.Id;
    });
    await using (var connection = new MySqlConnection(factory.DatabaseConnectionString))
    {
        await connection.OpenAsync();
        await Exec(connection, $"""
            INSERT INTO members (member_no, referral_code, nickname, gender, tier_code, tier_reached_at, points_balance, pending_points,
                                 join_source, store_id, terms_version, terms_accepted_at, joined_at)
            SELECT CONCAT('B', LPAD(seq, 9, '0')), CONCAT('RB', seq), CONCAT('会员', seq), 'Unknown', 'ordinary', NOW(6), seq % 5000, 0,
                   'StoreQr', {storeId}, 't', NOW(6), NOW(6)
            FROM seq_1_to_{members}
            """);
        await Exec(connection, $"""
            INSERT INTO member_identities (member_id, app_id, open_id, follows, created_at, follow_changed_at)
            SELECT id, '{oaAppId}', CONCAT('obench', SUBSTRING(member_no, 2)), 1, NOW(6), NOW(6) FROM members WHERE store_id = {storeId}
            """);
    }
    var generateSeconds = watch.Elapsed.TotalSeconds;
    Console.WriteLine($"{members} members and simulator users generated in {generateSeconds:F1} s");

    // The Campaign template, segment and campaign through the admin API, as marketing would.
    var marketing = await MarketingClientAsync(factory);
    (await marketing.PutAsJsonAsync($"/api/admin/message-templates/{MessageKinds.Campaign}", new
    {
        oaTemplateId = oaTemplate,
        oaFields = new Dictionary<string, string> { ["thing1"] = "{first}", ["thing2"] = "{keyword1}" },
        mpTemplateId = "MP_TPL_campaign_0001",
        mpFields = new Dictionary<string, string> { ["thing1"] = "{first}", ["thing2"] = "{keyword1}" },
        page = "pages/promo/index",
    })).EnsureSuccessStatusCode();
    var segment = await marketing.PostAsJsonAsync("/api/admin/segments", new { name = "bench store", definition = new { type = "store", @in = new[] { storeId } } });
    segment.EnsureSuccessStatusCode();
    var segmentId = (await segment.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetInt64();
    var created = await marketing.PostAsJsonAsync("/api/admin/campaigns", new
    {
        name = "bench", segmentId, messageKind = MessageKinds.Campaign, templateId = oaTemplate, page = "pages/promo/index",
        fields = new Dictionary<string, string> { ["first"] = "{name}，双十二礼遇", ["keyword1"] = "{tier}" },
        holdoutPercent = 0,
    });
    if (created.StatusCode != HttpStatusCode.Created) throw new InvalidOperationException($"campaign: {created.StatusCode} {await created.Content.ReadAsStringAsync()}");
    var campaignId = (await created.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetInt64();
    (await marketing.PostAsJsonAsync($"/api/admin/campaigns/{campaignId}/schedule", new { })).EnsureSuccessStatusCode();

    // The raw client: the same wire request the product sends, straight to the simulator, same concurrency.
    using var raw = new HttpClient { BaseAddress = sim.BaseUri };
    var tokenResponse = await raw.PostAsJsonAsync("/cgi-bin/stable_token",
        new { grant_type = "client_credential", appid = oaAppId, secret = sim.Options.OfficialAccount.AppSecret });
    var token = (await tokenResponse.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("access_token").GetString();
    var rawRound = 0;
    async Task<(double Rate, double P99, int Errors)> RawAsync(int count)
    {
        var round = ++rawRound;
        // The simulator's WeChat would push a TEMPLATESENDJOBFINISH to our API for each raw send; the raw side measures
        // the simulator alone, so its pushes are recorded but not sent (the campaign's are sent: they are product load).
        var serverUrl = sim.Options.OfficialAccount.ServerUrl;
        sim.Options.OfficialAccount.ServerUrl = "";
        var latencies = new double[count];
        var errors = 0;
        var next = -1;
        var timer = Stopwatch.StartNew();
        await Task.WhenAll(Enumerable.Range(0, parallelism).Select(async _ =>
        {
            int i;
            while ((i = Interlocked.Increment(ref next)) < count)
            {
                var started = Stopwatch.GetTimestamp();
                using var response = await raw.PostAsJsonAsync($"/cgi-bin/message/template/send?access_token={token}", new
                {
                    touser = $"oraw{i % rawUsers + 1:D9}", template_id = oaTemplate,
                    miniprogram = new { appid = sim.Options.MiniProgram.AppId, pagepath = "pages/promo/index" },
                    data = new Dictionary<string, object> { ["thing1"] = new { value = $"会员{i}，双十二礼遇" }, ["thing2"] = new { value = "普通会员" } },
                    client_msg_id = $"raw-{round}-{i}",
                });
                var body = await response.Content.ReadFromJsonAsync<JsonElement>();
                if (!response.IsSuccessStatusCode || body.GetProperty("errcode").GetInt32() != 0) Interlocked.Increment(ref errors);
                latencies[i] = Stopwatch.GetElapsedTime(started).TotalMilliseconds;
            }
        }));
        var seconds = timer.Elapsed.TotalSeconds;
        await Task.Delay(TimeSpan.FromSeconds(1)); // the pushes' short delay (NotificationTimeScale) passes before the URL returns
        sim.Options.OfficialAccount.ServerUrl = serverUrl;
        Array.Sort(latencies);
        return (count / seconds, latencies[(int)(latencies.Length * 0.99)], errors);
    }

    Console.WriteLine("warm-up (raw path)");
    await RawAsync(Math.Min(2000, rawSends));
    Console.WriteLine($"raw client: {rawSends} template sends at {parallelism} concurrent");
    var rawBefore = await RawAsync(rawSends);
    Console.WriteLine($"  {rawBefore.Rate:F0}/s, p99 {rawBefore.P99:F1} ms, {rawBefore.Errors} errors");

    // The campaign, as the job runs it: CampaignFanout in its own scope, every command and HTTP call observed.
    using var profile = new Profile();
    Console.WriteLine($"campaign to {members} members, batch {batchSize}, parallelism {parallelism}");
    watch.Restart();
    FanoutResult result;
    await using (var scope = factory.Services.CreateAsyncScope())
        result = await scope.ServiceProvider.GetRequiredService<CampaignFanout>().RunAsync(campaignId, "accessory", CancellationToken.None);
    var campaignSeconds = watch.Elapsed.TotalSeconds;
    profile.Stop();
    var firstBatchAt = profile.FirstSendAt is { } first ? (first - profile.StartedAt).TotalSeconds : 0;
    var campaignRate = result.Sent / campaignSeconds;
    var sendingRate = result.Sent / Math.Max(0.001, campaignSeconds - firstBatchAt);
    Console.WriteLine($"  {result.State}: {result.Sent} sent in {campaignSeconds:F1} s = {campaignRate:F0}/s (freeze {firstBatchAt:F1} s)");

    var rawAfter = await RawAsync(rawSends);
    Console.WriteLine($"raw client again: {rawAfter.Rate:F0}/s, p99 {rawAfter.P99:F1} ms, {rawAfter.Errors} errors");
    var rawRate = (rawBefore.Rate + rawAfter.Rate) / 2;
    var ratio = campaignRate / rawRate;

    // Exactly one delivery per member: our records, and what WeChat (the simulator) accepted per openid.
    var check = await factory.WithDbAsync(async db => new
    {
        Recipients = await db.CampaignRecipients.CountAsync(r => r.CampaignId == campaignId),
        Sent = await db.CampaignRecipients.CountAsync(r => r.CampaignId == campaignId && r.Status == RecipientStatus.Sent),
        Deliveries = await db.MessageDeliveries.CountAsync(d => d.CampaignId == campaignId),
        DeliveredMembers = await db.MessageDeliveries.Where(d => d.CampaignId == campaignId).Select(d => d.MemberId).Distinct().CountAsync(),
        OaSent = await db.MessageDeliveries.CountAsync(d => d.CampaignId == campaignId && d.Channel == DeliveryChannel.OfficialAccount
            && (d.Status == DeliveryStatus.Sent || d.Status == DeliveryStatus.Delivered)),
    });
    Dictionary<string, int> accepted;
    lock (sim.State.Gate)
    {
        accepted = sim.State.Messages.Where(m => m.Kind == "template" && m.ErrCode == 0 && m.ToUser.StartsWith("obench", StringComparison.Ordinal))
            .GroupBy(m => m.ToUser).ToDictionary(g => g.Key, g => g.Count());
    }
    var simMembers = accepted.Count;
    var simDuplicates = accepted.Count(a => a.Value > 1);
    var exactlyOnce = check.Recipients == members && check.Sent == members && check.Deliveries == members && check.DeliveredMembers == members
        && check.OaSent == members && simMembers == members && simDuplicates == 0;
    var finishedEvents = await WaitForFinishEventsAsync(factory, campaignId, members);

    var sends = Math.Max(1, result.Sent);
    var report = $"""
        # Campaigns — {DateTime.UtcNow:yyyy-MM-dd HH:mm} UTC

        A campaign to {members:N0} members, all OA followers (every send is an OA template message), through the product:
        `CampaignFanout` (audience frozen in one INSERT…SELECT, then batches of {batchSize} pending recipients) → `DispatcherCampaignSender`
        → `MessageDispatcher.SendManyAsync` (the batch's members, identities, channel states, template and rules in set queries;
        chunks of {parallelism * 4} deliveries claimed in one multi-row INSERT, the pace reserved per chunk, {parallelism} sends in parallel,
        outcomes in one multi-row UPDATE; recipients recorded in one UPDATE per batch) → the WeChat simulator over HTTP (in-process
        Kestrel, real wire format). Message pace off: `Messages:SendRatePerSecond` = 10000 (its maximum; the Redis window counter
        is still consulted, once per chunk). No reward points, no hold-out. Each send's TEMPLATESENDJOBFINISH push is sent by
        the simulator to the API and processed there during the campaign (stored and settled in one round trip). The
        limit: a raw client posting the same `cgi-bin/message/template/send` request (its TEMPLATESENDJOBFINISH pushes recorded,
        not sent to the API) to the same simulator at the same
        concurrency ({parallelism}), {rawSends:N0} sends before and after the campaign, in the same process and run.
        {(connectionReset ? "" : "**Experiment**: the API's connection string has `Connection Reset=false` (no reset round trip per pool checkout); the product's default is true.")}

        ## Machine
        - nproc: {Environment.ProcessorCount}; CPU: {CpuModel()}; memory: {MemTotal()}
        - .NET {Environment.Version}, {RuntimeInformation.OSDescription}
        - load average at start: {loadAtStart}; at the end: {LoadAverage()} (shared machine: other sessions' builds and tests ran alongside)
        - MariaDB and Redis: the project's shared servers (127.0.0.1:3307, :6380); API, simulator and client in this one process

        ## Results
        | what | sends | seconds | rate (/s) | p99 (ms) | errors |
        |---|---:|---:|---:|---:|---:|
        | raw client → simulator, before | {rawSends} | {rawSends / rawBefore.Rate:F1} | {rawBefore.Rate:F0} | {rawBefore.P99:F1} | {rawBefore.Errors} |
        | campaign through the product (freeze included) | {result.Sent} | {campaignSeconds:F1} | {campaignRate:F0} | — | {members - result.Sent} not sent |
        | campaign, sending phase only (after the {firstBatchAt:F1} s freeze) | {result.Sent} | {campaignSeconds - firstBatchAt:F1} | {sendingRate:F0} | — | — |
        | raw client → simulator, after | {rawSends} | {rawSends / rawAfter.Rate:F1} | {rawAfter.Rate:F0} | {rawAfter.P99:F1} | {rawAfter.Errors} |

        Campaign sends/s ÷ simulator accepting rate = {campaignRate:F0} ÷ {rawRate:F0} (mean of before and after) = **{ratio:P0}** — goal ≥ 80%: **{(ratio >= 0.8 ? "met" : "MISSED")}**

        Exactly one delivery per member: **{(exactlyOnce ? "yes" : "NO")}** — recipients {check.Recipients}, sent {check.Sent}, message deliveries
        {check.Deliveries} for {check.DeliveredMembers} distinct members ({check.OaSent} on the OA channel); the simulator accepted template
        messages for {simMembers} distinct bench openids, {simDuplicates} of them more than once. TEMPLATESENDJOBFINISH events
        settled (status Delivered) {finishedEvents} of {members} deliveries within 60 s after the campaign. Set-based generation of the
        members took {generateSeconds:F1} s.

        ## Where a campaign send's time goes (observed during the campaign)
        {profile.Describe(sends, campaignSeconds)}
        """;
    Console.WriteLine(report);
    var results = Path.Combine(repo, "bench", "results");
    Directory.CreateDirectory(results);
    var file = Path.Combine(results, $"campaigns-{DateTime.UtcNow:yyyy-MM-dd}{(members == 100_000 ? "" : $"-{members}")}{(connectionReset ? "" : "-no-connection-reset")}.md");
    await File.WriteAllTextAsync(file, report + "\n");
    Console.WriteLine($"written: {file}");
}
finally
{
    await ((IAsyncLifetime)factory).DisposeAsync();
}

static SimUser User(string prefix, int i, DateTimeOffset now) => new()
{
    UnionId = $"u{prefix}{i:D9}", MiniOpenId = $"m{prefix}{i:D9}", OaOpenId = $"o{prefix}{i:D9}",
    Phone = $"139{i:D8}", CreatedAt = now, Following = true, SubscribeTime = now, SubscribeScene = "ADD_SCENE_QR_CODE",
};

// A marketing account and its console cookie (as tests/Api.Tests' ConsoleAccounts does; that helper is internal there).
static async Task<HttpClient> MarketingClientAsync(LoyaltyApiFactory factory)
{
    const string password = "bench horse battery staple";
    var user = new AdminUser { UserName = "bench-marketing", DisplayName = "bench", Role = AdminRole.Marketing, PasswordHash = "", CreatedAt = DateTime.UtcNow };
    user.PasswordHash = new Microsoft.AspNetCore.Identity.PasswordHasher<AdminUser>().HashPassword(user, password);
    await factory.WithDbAsync(async db => { db.AdminUsers.Add(user); await db.SaveChangesAsync(); });
    var client = factory.CreateClient();
    (await client.PostAsJsonAsync("/api/admin/session", new { user.UserName, Password = password })).EnsureSuccessStatusCode();
    return client;
}

static async Task Exec(MySqlConnection connection, string sql)
{
    await using var command = new MySqlCommand(sql, connection) { CommandTimeout = 600 };
    await command.ExecuteNonQueryAsync();
}

static async Task<int> WaitForFinishEventsAsync(LoyaltyApiFactory factory, long campaignId, int expected)
{
    var deadline = DateTime.UtcNow.AddSeconds(60);
    var delivered = 0;
    while (DateTime.UtcNow < deadline)
    {
        delivered = await factory.WithDbAsync(db => db.MessageDeliveries.CountAsync(d => d.CampaignId == campaignId && d.Status == DeliveryStatus.Delivered));
        if (delivered >= expected) break;
        await Task.Delay(1000);
    }
    return delivered;
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

static string LoadAverage() => File.Exists("/proc/loadavg") ? string.Join(' ', File.ReadAllText("/proc/loadavg").Split(' ').Take(3)) : "unknown";

static string CpuModel() => File.Exists("/proc/cpuinfo")
    ? File.ReadLines("/proc/cpuinfo").FirstOrDefault(l => l.StartsWith("model name", StringComparison.Ordinal))?.Split(':', 2)[1].Trim() ?? "unknown"
    : "unknown";

static string MemTotal()
{
    var line = File.Exists("/proc/meminfo") ? File.ReadLines("/proc/meminfo").FirstOrDefault(l => l.StartsWith("MemTotal:", StringComparison.Ordinal)) : null;
    return line is null ? "unknown" : $"{long.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1], CultureInfo.InvariantCulture) / 1048576.0:0.0} GB";
}

/// <summary>The API with the message pace at its maximum, no quiet hours, the bench's batch and parallelism; a simulator quota that fits the run.</summary>
internal sealed class BenchFactory(int batchSize, int parallelism, bool connectionReset) : LoyaltyApiFactory
{
    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        base.ConfigureWebHost(builder);
        if (!connectionReset) builder.UseSetting("ConnectionStrings:Loyalty", DatabaseConnectionString + ";Connection Reset=false");
    }

    protected override IEnumerable<KeyValuePair<string, string?>> Settings =>
    [
        new("Messages:SendRatePerSecond", "10000"),
        new("Campaigns:QuietStart", "00:00"),
        new("Campaigns:QuietEnd", "00:00"),
        new("Campaigns:BatchSize", batchSize.ToString(CultureInfo.InvariantCulture)),
        new("Campaigns:Parallelism", parallelism.ToString(CultureInfo.InvariantCulture)),
    ];

    protected override void ConfigureSimulator(SimulatorOptions options)
    {
        base.ConfigureSimulator(options);
        options.Quotas["template_send"] = 100_000_000;
    }
}

/// <summary>
/// Every SQL command (MySqlConnector's activities) and outgoing HTTP call (System.Net.Http's) while the campaign runs,
/// grouped by kind, with their summed wall time. Commands of the OA-event processing (TEMPLATESENDJOBFINISH pushes
/// arriving meanwhile) are included and shown apart where the statement says so.
/// </summary>
internal sealed class Profile : IDisposable
{
    private readonly ActivityListener _listener;
    private readonly ConcurrentDictionary<string, (long Count, double Ms)> _groups = new();
    private bool _stopped;

    public DateTimeOffset StartedAt { get; } = DateTimeOffset.UtcNow;

    public DateTimeOffset? FirstSendAt { get; private set; }

    public Profile()
    {
        _listener = new ActivityListener
        {
            ShouldListenTo = s => s.Name is "MySqlConnector" or "System.Net.Http",
            Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded,
            ActivityStopped = Record,
        };
        ActivitySource.AddActivityListener(_listener);
    }

    public void Stop() => _stopped = true;

    private void Record(Activity a)
    {
        if (_stopped) return;
        string key;
        if (a.Source.Name == "System.Net.Http")
        {
            var url = a.GetTagItem("url.full") as string ?? a.DisplayName;
            key = url.Contains("/message/template/send", StringComparison.Ordinal) ? "HTTP → simulator: template/send"
                : url.Contains("/wechat/oa", StringComparison.Ordinal) ? "HTTP simulator → API: OA event push (TEMPLATESENDJOBFINISH)"
                : "HTTP other: " + a.DisplayName;
            if (key.Contains("template/send", StringComparison.Ordinal) && FirstSendAt is null) FirstSendAt = a.StartTimeUtc;
        }
        else
        {
            var text = a.GetTagItem("db.query.text") as string ?? a.GetTagItem("db.statement") as string ?? a.DisplayName;
            key = "SQL: " + Classify(text);
        }
        _groups.AddOrUpdate(key, (1, a.Duration.TotalMilliseconds), (_, v) => (v.Count + 1, v.Ms + a.Duration.TotalMilliseconds));
    }

    private static string Classify(string sql)
    {
        var s = sql.TrimStart();
        var verb = s.Split([' ', '\n', '\r', '\t'], 2)[0].ToUpperInvariant();
        if (verb == "OPEN") return "connection open (pool checkout, reset)";
        // EF's batched statements may start with SET/SELECT of the row count; name them by their first write.
        verb = new[] { "INSERT", "UPDATE", "DELETE" }.Where(v => s.Contains(v + " ", StringComparison.OrdinalIgnoreCase))
            .OrderBy(v => s.IndexOf(v + " ", StringComparison.OrdinalIgnoreCase)).FirstOrDefault() ?? verb;
        string[] tables = ["campaign_recipients", "message_deliveries", "message_templates", "member_identities", "member_channel_states",
            "oa_events", "programme_settings", "programme_rules", "members", "campaigns", "segments", "subscription_credits"];
        var table = tables.FirstOrDefault(t => s.Contains($"`{t}`", StringComparison.Ordinal) || s.Contains($" {t} ", StringComparison.Ordinal) || s.Contains($" {t}\n", StringComparison.Ordinal))
            ?? (s.Length > 40 ? s[..40].ReplaceLineEndings(" ") : s);
        return $"{verb} {table}";
    }

    public string Describe(int sends, double seconds)
    {
        var rows = _groups.OrderByDescending(g => g.Value.Ms).Select(g =>
            $"| {g.Key} | {g.Value.Count} | {g.Value.Count / (double)sends:F2} | {g.Value.Ms / 1000:F1} | {g.Value.Ms / g.Value.Count:F2} |");
        var sql = _groups.Where(g => g.Key.StartsWith("SQL", StringComparison.Ordinal)).Sum(g => g.Value.Count);
        var sqlMs = _groups.Where(g => g.Key.StartsWith("SQL", StringComparison.Ordinal)).Sum(g => g.Value.Ms);
        return $"""
            | kind | calls | per send | summed wall time (s) | mean (ms) |
            |---|---:|---:|---:|---:|
            {string.Join("\n", rows)}

            In all {sql} SQL commands ({sql / (double)sends:F1} per send, summed {sqlMs / 1000:F1} s over {seconds:F1} s of campaign, i.e.
            {sqlMs / 1000 / seconds:F1} commands in flight on average). Summed times overlap: {sends} sends ran {ThreadsNote()}.
            """;
    }

    private static string ThreadsNote() => "in parallel, so a group's summed time above the campaign's seconds means it was waited on concurrently";

    public void Dispose() => _listener.Dispose();
}
