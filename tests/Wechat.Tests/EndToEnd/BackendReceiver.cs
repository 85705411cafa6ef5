using System.Collections.Concurrent;
using System.Net;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using WechatLoyalty.Wechat.OfficialAccount;
using WechatLoyalty.Wechat.Pay;
using WechatLoyalty.Wechat.Pay.Notifications;

namespace WechatLoyalty.Wechat.Tests.EndToEnd;

/// <summary>
/// Our backend's callback endpoints on a real Kestrel port, written the way the API would write them with the
/// src/Wechat parsers: POST /oa (the OA ServerUrl: <see cref="OaMessageParser"/>, answers "success"),
/// POST /pay-notify/{name} (<see cref="WechatPayNotificationParser.ParseTransaction"/>) and POST /refund-notify/{name}
/// (<see cref="WechatPayNotificationParser.ParseRefund"/>), each verifying the raw body and headers and answering 204,
/// or a scripted status. A message that fails verification is answered 401 and recorded with the reason.
/// </summary>
public sealed class BackendReceiver : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly ConcurrentDictionary<string, ConcurrentQueue<int>> _scripts = new(StringComparer.Ordinal);

    private BackendReceiver(WebApplication app) => _app = app;

    /// <summary>The backend instance whose parsers the endpoints use; set once the simulator (and its keys) exist.</summary>
    public IServiceProvider? Backend { get; set; }

    public string BaseUrl { get; private set; } = string.Empty;

    public ConcurrentQueue<ReceivedOaPush> OaPushes { get; } = new();

    public ConcurrentQueue<ReceivedNotification> Notifications { get; } = new();

    public string OaUrl => BaseUrl + "/oa";

    public string PayNotifyUrl(string name) => $"{BaseUrl}/pay-notify/{name}";

    public string RefundNotifyUrl(string name) => $"{BaseUrl}/refund-notify/{name}";

    public static async Task<BackendReceiver> StartAsync()
    {
        var builder = WebApplication.CreateBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseKestrel(k => k.Listen(IPAddress.Loopback, 0));
        var app = builder.Build();
        var receiver = new BackendReceiver(app);
        app.MapPost("/oa", (Func<HttpContext, Task<IResult>>)receiver.HandleOaAsync);
        app.MapPost("/pay-notify/{name}", (string name, HttpContext http) =>
            receiver.HandleNotificationAsync(name, http, (parser, body, headers) => parser.ParseTransaction(body, headers)));
        app.MapPost("/refund-notify/{name}", (string name, HttpContext http) =>
            receiver.HandleNotificationAsync(name, http, (parser, body, headers) => parser.ParseRefund(body, headers)));
        await app.StartAsync();
        receiver.BaseUrl = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First().TrimEnd('/');
        return receiver;
    }

    /// <summary>The next answers of /pay-notify/{name} and /refund-notify/{name} after a successful parse; then 204.</summary>
    public void Script(string name, params int[] statuses) => _scripts[name] = new ConcurrentQueue<int>(statuses);

    public IReadOnlyList<ReceivedNotification> NotificationsFor(string name) => Notifications.Where(n => n.Name == name).ToList();

    /// <summary>Polls until <paramref name="count"/> notifications for <paramref name="name"/> arrived (or 10 s passed).</summary>
    public Task<IReadOnlyList<ReceivedNotification>> WaitForNotificationsAsync(string name, int count) =>
        WaitAsync(() => NotificationsFor(name), count);

    public Task<IReadOnlyList<ReceivedOaPush>> WaitForOaPushesAsync(Func<ReceivedOaPush, bool> match, int count = 1) =>
        WaitAsync(() => OaPushes.Where(match).ToList(), count);

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }

    private static async Task<IReadOnlyList<T>> WaitAsync<T>(Func<IReadOnlyList<T>> read, int count)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(10);
        while (true)
        {
            var items = read();
            if (items.Count >= count || DateTime.UtcNow >= deadline)
            {
                return items;
            }

            await Task.Delay(10);
        }
    }

    private async Task<IResult> HandleOaAsync(HttpContext http)
    {
        var body = Encoding.UTF8.GetString(await ReadBodyAsync(http.Request));
        var q = http.Request.Query;
        var query = q.ToDictionary(p => p.Key, p => p.Value.ToString(), StringComparer.Ordinal);
        try
        {
            var parser = Backend!.GetRequiredService<OaMessageParser>();
            var message = parser.Parse(new OaPushRequest(body, q["signature"], q["timestamp"], q["nonce"], q["encrypt_type"], q["msg_signature"]));
            OaPushes.Enqueue(new ReceivedOaPush(query, body, message, null));
            return Results.Text("success", "text/plain");
        }
        catch (OaMessageException ex)
        {
            OaPushes.Enqueue(new ReceivedOaPush(query, body, null, ex.Reason.ToString()));
            return Results.BadRequest();
        }
    }

    private async Task<IResult> HandleNotificationAsync(
        string name, HttpContext http, Func<WechatPayNotificationParser, byte[], WechatPaySignatureHeaders, object> parse)
    {
        var body = await ReadBodyAsync(http.Request);
        var headers = WechatPaySignatureHeaders.From(h => http.Request.Headers.TryGetValue(h, out var v) ? v.ToString() : null);
        object parsed;
        try
        {
            parsed = parse(Backend!.GetRequiredService<WechatPayNotificationParser>(), body, headers);
        }
        catch (WechatPayVerificationException ex)
        {
            Notifications.Enqueue(new ReceivedNotification(name, 401, null, ex.Reason));
            // WeChat Pay's documented failure answer: 4xx/5xx with {code, message}.
            return Results.Json(new { code = "FAIL", message = ex.Reason.ToString() }, statusCode: 401);
        }

        var status = _scripts.TryGetValue(name, out var script) && script.TryDequeue(out var next) ? next : 204;
        Notifications.Enqueue(new ReceivedNotification(name, status, parsed, null));
        return status == 204
            ? Results.NoContent()
            : Results.Json(new { code = "FAIL", message = "scripted failure" }, statusCode: status);
    }

    private static async Task<byte[]> ReadBodyAsync(HttpRequest request)
    {
        using var buffer = new MemoryStream();
        await request.Body.CopyToAsync(buffer);
        return buffer.ToArray();
    }
}

/// <summary>One OA push as our endpoint saw it: the parsed message, or why parsing failed.</summary>
public sealed record ReceivedOaPush(IReadOnlyDictionary<string, string> Query, string Body, OaMessage? Message, string? Error);

/// <summary>One Pay notification delivery attempt as our endpoint saw it, with what we answered.</summary>
public sealed record ReceivedNotification(string Name, int AnsweredStatus, object? Parsed, WechatPayVerificationError? Error)
{
    public WechatPayNotification<TransactionResource> Transaction =>
        Parsed as WechatPayNotification<TransactionResource> ?? throw new InvalidOperationException($"not a parsed transaction: {Describe()}");

    public WechatPayNotification<RefundResource> Refund =>
        Parsed as WechatPayNotification<RefundResource> ?? throw new InvalidOperationException($"not a parsed refund: {Describe()}");

    private string Describe() => Error?.ToString() ?? JsonSerializer.Serialize(Parsed);
}
