using System.Net;
using System.Text;

namespace WechatLoyalty.Wechat.Tests.Support;

/// <summary>A fake WeChat host: answers through a delegate and counts requests per path.</summary>
internal sealed class StubHandler(Func<HttpRequestMessage, byte[], Task<HttpResponseMessage>> respond) : HttpMessageHandler
{
    private readonly Dictionary<string, int> _counts = new(StringComparer.Ordinal);
    private readonly Lock _gate = new();

    public List<(HttpRequestMessage Request, byte[] Body)> Requests { get; } = [];

    public int Count(string path)
    {
        lock (_gate)
        {
            return _counts.GetValueOrDefault(path);
        }
    }

    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        var body = request.Content is null ? [] : await request.Content.ReadAsByteArrayAsync(cancellationToken);
        lock (_gate)
        {
            _counts[request.RequestUri!.AbsolutePath] = _counts.GetValueOrDefault(request.RequestUri!.AbsolutePath) + 1;
            Requests.Add((request, body));
        }

        var response = await respond(request, body);
        response.RequestMessage = request;
        return response;
    }

    // HttpMessageHandler holds nothing to release, so the stub survives the factory disposing a handler chain.
    protected override void Dispose(bool disposing) => base.Dispose(disposing);

    public static HttpResponseMessage Json(string json, HttpStatusCode status = HttpStatusCode.OK) =>
        new(status) { Content = new StringContent(json, Encoding.UTF8, "application/json") };
}
