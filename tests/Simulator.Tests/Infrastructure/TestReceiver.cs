using System.Collections.Concurrent;
using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace WechatLoyalty.Simulator.Tests.Infrastructure;

/// <summary>Plays our backend's HTTP endpoints: POST /notify/{name} (Pay notify_url) and POST /oa (OA ServerUrl).
/// Records every request; answers with scripted statuses / replies.</summary>
public sealed class TestReceiver : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly ConcurrentDictionary<string, ConcurrentQueue<int>> _scripts = new();

    private TestReceiver(WebApplication app) => _app = app;

    public ConcurrentQueue<ReceivedRequest> Requests { get; } = new();

    public string BaseUrl { get; private set; } = "";

    /// <summary>Computes the OA passive reply from the received request; default "success".</summary>
    public Func<ReceivedRequest, string> OaReply { get; set; } = _ => "success";

    public static async Task<TestReceiver> StartAsync()
    {
        var builder = WebApplication.CreateBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseKestrel(k => k.Listen(IPAddress.Loopback, 0));
        var app = builder.Build();
        var receiver = new TestReceiver(app);
        app.MapPost("/notify/{name}", async (string name, HttpContext http) =>
        {
            var request = await ReceivedRequest.ReadAsync(http, name);
            receiver.Requests.Enqueue(request);
            var status = receiver._scripts.TryGetValue(name, out var script) && script.TryDequeue(out var next) ? next : 204;
            return Results.StatusCode(status);
        });
        app.MapPost("/oa", async (HttpContext http) =>
        {
            var request = await ReceivedRequest.ReadAsync(http, "oa");
            receiver.Requests.Enqueue(request);
            return Results.Text(receiver.OaReply(request), "text/xml");
        });
        await app.StartAsync();
        receiver.BaseUrl = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        return receiver;
    }

    public string NotifyUrl(string name) => $"{BaseUrl}/notify/{name}";

    /// <summary>The next answers for /notify/{name}, in order; afterwards 204.</summary>
    public void Script(string name, params int[] statuses) => _scripts[name] = new ConcurrentQueue<int>(statuses);

    public IReadOnlyList<ReceivedRequest> For(string name) => Requests.Where(r => r.Name == name).ToList();

    public async Task<IReadOnlyList<ReceivedRequest>> WaitForAsync(string name, int count, TimeSpan? timeout = null)
    {
        var deadline = DateTime.UtcNow + (timeout ?? TimeSpan.FromSeconds(10));
        while (DateTime.UtcNow < deadline)
        {
            var received = For(name);
            if (received.Count >= count)
            {
                return received;
            }

            await Task.Delay(20);
        }

        return For(name);
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}

public sealed record ReceivedRequest(string Name, DateTimeOffset At, IReadOnlyDictionary<string, string> Headers,
    IReadOnlyDictionary<string, string> Query, string Body)
{
    public static async Task<ReceivedRequest> ReadAsync(HttpContext http, string name)
    {
        using var reader = new StreamReader(http.Request.Body);
        var body = await reader.ReadToEndAsync();
        return new ReceivedRequest(name, DateTimeOffset.UtcNow,
            http.Request.Headers.ToDictionary(h => h.Key, h => h.Value.ToString(), StringComparer.OrdinalIgnoreCase),
            http.Request.Query.ToDictionary(q => q.Key, q => q.Value.ToString(), StringComparer.Ordinal), body);
    }
}
