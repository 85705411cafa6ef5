using System.Net;
using System.Web;

namespace WechatLoyalty.Wechat.Tests.Support;

/// <summary>
/// A stand-in for api.weixin.qq.com's token behaviour: each stable_token call issues a new token that replaces the
/// previous one (the worst case for a shared cache); business calls with any other token get 40001.
/// </summary>
internal sealed class FakeWechatApi
{
    private readonly Lock _gate = new();
    private int _issued;
    private string _valid = string.Empty;

    public Func<HttpRequestMessage, byte[], HttpResponseMessage>? Business { get; set; }

    public TimeSpan TokenLatency { get; set; } = TimeSpan.FromMilliseconds(100);

    public int TokensIssued => Volatile.Read(ref _issued);

    public StubHandler Handler => new(HandleAsync);

    /// <summary>WeChat forgets the current token (as after a secret reset or another system's force refresh).</summary>
    public void InvalidateCurrentToken()
    {
        lock (_gate)
        {
            _valid = "revoked";
        }
    }

    private async Task<HttpResponseMessage> HandleAsync(HttpRequestMessage request, byte[] body)
    {
        var path = request.RequestUri!.AbsolutePath;
        if (path == "/cgi-bin/stable_token")
        {
            await Task.Delay(TokenLatency);
            var n = Interlocked.Increment(ref _issued);
            lock (_gate)
            {
                _valid = $"T{n}";
            }

            return StubHandler.Json($"{{\"access_token\":\"T{n}\",\"expires_in\":7200}}");
        }

        if (path == "/sns/jscode2session")
        {
            return Business!(request, body);
        }

        var token = HttpUtility.ParseQueryString(request.RequestUri.Query)["access_token"];
        lock (_gate)
        {
            if (token != _valid)
            {
                return StubHandler.Json("{\"errcode\":40001,\"errmsg\":\"invalid credential, access_token is invalid or not latest rid: 6790-abc\"}");
            }
        }

        return Business?.Invoke(request, body) ?? StubHandler.Json("{\"errcode\":0,\"errmsg\":\"ok\",\"subscribe\":1,\"openid\":\"o1\",\"unionid\":\"u1\"}");
    }

    public static HttpResponseMessage Status(HttpStatusCode status) => new(status) { Content = new StringContent("") };
}
