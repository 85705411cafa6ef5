using System.Collections.Concurrent;
using System.Net;

namespace WechatLoyalty.Wechat.Tests.EndToEnd;

/// <summary>
/// Every request a backend instance put on the wire (below the retry and signing handlers, above the socket), so
/// tests can count what the simulator actually received: retries, token refreshes, single-use code exchanges.
/// </summary>
public sealed class WireLog
{
    private readonly ConcurrentQueue<WireCall> _calls = new();

    public IReadOnlyList<WireCall> Calls => _calls.ToList();

    /// <summary>Requests to <paramref name="path"/> (e.g. "cgi-bin/stable_token"), optionally whose query contains a value.</summary>
    public int Count(string path, string? queryContains = null) => _calls.Count(c =>
        c.Path == "/" + path.TrimStart('/') && (queryContains is null || c.Query.Contains(queryContains, StringComparison.Ordinal)));

    /// <summary>A real socket handler that records each request before sending it.</summary>
    public HttpMessageHandler CreatePrimaryHandler() => new RecordingHandler(this) { InnerHandler = new SocketsHttpHandler() };

    private sealed class RecordingHandler(WireLog log) : DelegatingHandler
    {
        protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            var response = await base.SendAsync(request, cancellationToken);
            log._calls.Enqueue(new WireCall(request.Method.Method, request.RequestUri!.AbsolutePath, request.RequestUri.Query, response.StatusCode));
            return response;
        }
    }
}

public sealed record WireCall(string Method, string Path, string Query, HttpStatusCode Status);
