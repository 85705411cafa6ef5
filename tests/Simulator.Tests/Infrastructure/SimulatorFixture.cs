using System.Net.Http.Json;
using System.Text.Json;
using WechatLoyalty.Simulator.Hosting;

namespace WechatLoyalty.Simulator.Tests.Infrastructure;

/// <summary>One simulator per test class, over real HTTP on a dynamic port, with a receiver standing in for our backend
/// (OA ServerUrl = receiver /oa). WeChat's delays are scaled by 0.001 (15 s retry → 15 ms).</summary>
public sealed class SimulatorFixture : IAsyncLifetime
{
    public const string MiniAppId = "wx5e1f0a9b2c3d4e01";
    public const string MiniSecret = "sim_mini_secret_0123456789abcdef";
    public const string OaAppId = "wx5e1f0a9b2c3d4e02";
    public const string OaSecret = "sim_oa_secret_0123456789abcdef00";

    public TestReceiver Receiver { get; private set; } = null!;
    public RunningSimulator Sim { get; private set; } = null!;
    public HttpClient Http { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        Receiver = await TestReceiver.StartAsync();
        var options = new SimulatorOptions { KeysDirectory = null, NotificationTimeScale = 0.001, DeliveryTimeoutSeconds = 2 };
        options.OfficialAccount.ServerUrl = Receiver.BaseUrl + "/oa";
        options.Pay.RefundCompletionSeconds = 5;
        Sim = await SimulatorHost.StartAsync(options);
        Http = new HttpClient { BaseAddress = Sim.BaseUri };
    }

    public async Task DisposeAsync()
    {
        Http.Dispose();
        await Sim.DisposeAsync();
        await Receiver.DisposeAsync();
    }

    public async Task<JsonElement> PostAsync(string path, object? body = null)
    {
        using var response = await Http.PostAsync(path, JsonContent.Create(body ?? new { }));
        return await ReadAsync(response);
    }

    public async Task<JsonElement> GetAsync(string path)
    {
        using var response = await Http.GetAsync(path);
        return await ReadAsync(response);
    }

    public async Task<JsonElement> CreateUserAsync(object? body = null) => await PostAsync("/sim/users", body);

    public async Task<string> LoginCodeAsync(string userId) => (await PostAsync($"/sim/users/{userId}/login")).GetProperty("code").GetString()!;

    public async Task<string> TokenAsync(string appId, string secret, bool force = false)
    {
        var result = await PostAsync("/cgi-bin/stable_token", new { grant_type = "client_credential", appid = appId, secret, force_refresh = force });
        return result.GetProperty("access_token").GetString()!;
    }

    public Task<string> MiniTokenAsync() => TokenAsync(MiniAppId, MiniSecret);

    public Task<string> OaTokenAsync() => TokenAsync(OaAppId, OaSecret);

    public async Task SetFaultsAsync(object faults)
    {
        using var response = await Http.PostAsync("/sim/faults", JsonContent.Create(faults));
        response.EnsureSuccessStatusCode();
    }

    public static int ErrCode(JsonElement result) => result.TryGetProperty("errcode", out var e) ? e.GetInt32() : 0;

    private static async Task<JsonElement> ReadAsync(HttpResponseMessage response)
    {
        var text = await response.Content.ReadAsStringAsync();
        return text.Length == 0 ? default : JsonDocument.Parse(text).RootElement.Clone();
    }
}
