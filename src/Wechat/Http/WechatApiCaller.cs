using System.Net.Http.Headers;
using WechatLoyalty.Wechat.AccessTokens;

namespace WechatLoyalty.Wechat.Http;

/// <summary>
/// Calls an api.weixin.qq.com endpoint that takes <c>access_token</c> in the query: injects the shared token,
/// checks errcode, and on 40001/40014/42001 drops the token, gets a fresh one and retries the call ONCE (the first
/// attempt was rejected, so even a send is safe to repeat).
/// </summary>
internal sealed class WechatApiCaller(HttpClient http, AccessTokenCache tokens, WechatAppCredentials app)
{
    public Task<T> PostJsonAsync<T>(string path, object body, bool idempotent, CancellationToken cancellationToken)
        where T : WechatApiResponse =>
        SendAsync(path, () => JsonContent(body), HttpMethod.Post, idempotent, ReadJson<T>, cancellationToken);

    public Task<T> GetJsonAsync<T>(string pathAndQuery, CancellationToken cancellationToken)
        where T : WechatApiResponse =>
        SendAsync(pathAndQuery, () => null, HttpMethod.Get, idempotent: true, ReadJson<T>, cancellationToken);

    /// <summary>For answers that are bytes on success and a JSON error otherwise, both with HTTP 200.</summary>
    public Task<TResult> SendAsync<TResult>(
        string path,
        Func<HttpContent?> content,
        HttpMethod method,
        bool idempotent,
        Func<HttpResponseMessage, CancellationToken, Task<(TResult? Result, WechatApiResponse Status)>> read,
        CancellationToken cancellationToken)
    {
        return SendWithTokenRetryAsync();

        async Task<TResult> SendWithTokenRetryAsync()
        {
            var token = await tokens.GetAsync(app, cancellationToken);
            var (result, status) = await SendOnceAsync(token);
            if (status.Errcode is { } code && WechatErrorCodes.IsTokenInvalid(code))
            {
                await tokens.InvalidateAsync(app, token, cancellationToken);
                token = await tokens.GetAsync(app, cancellationToken);
                (result, status) = await SendOnceAsync(token);
            }

            if (!status.IsSuccess || result is null)
            {
                throw new WechatApiException(ApiName(path), status.Errcode ?? -1, status.Errmsg);
            }

            return result;
        }

        async Task<(TResult?, WechatApiResponse)> SendOnceAsync(string token)
        {
            var separator = path.Contains('?', StringComparison.Ordinal) ? '&' : '?';
            using var request = new HttpRequestMessage(method, $"{path}{separator}access_token={Uri.EscapeDataString(token)}")
            {
                Content = content(),
            };
            if (idempotent)
            {
                request.MarkIdempotent();
            }

            using var response = await http.SendAsync(request, cancellationToken);
            response.EnsureSuccessStatusCode();
            return await read(response, cancellationToken);
        }
    }

    internal static async Task<(T? Result, WechatApiResponse Status)> ReadJson<T>(HttpResponseMessage response, CancellationToken cancellationToken)
        where T : WechatApiResponse
    {
        var result = WechatJson.Deserialize<T>(await response.Content.ReadAsByteArrayAsync(cancellationToken));
        return (result, result);
    }

    internal static ByteArrayContent JsonContent(object body)
    {
        var content = new ByteArrayContent(WechatJson.SerializeToUtf8(body));
        content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        return content;
    }

    private static string ApiName(string path)
    {
        var query = path.IndexOf('?', StringComparison.Ordinal);
        return query < 0 ? path : path[..query];
    }
}
