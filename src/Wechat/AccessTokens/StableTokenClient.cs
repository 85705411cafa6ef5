using System.Net.Http.Headers;
using WechatLoyalty.Wechat.Http;

namespace WechatLoyalty.Wechat.AccessTokens;

/// <summary>Where <see cref="AccessTokenCache"/> gets a token when nobody has one.</summary>
public interface IAccessTokenSource
{
    Task<IssuedAccessToken> FetchAsync(WechatAppCredentials app, CancellationToken cancellationToken);
}

/// <summary>
/// getStableAccessToken in normal mode: returns the same token while it is valid, so a repeat is harmless and the
/// call may be retried on transient failures. Only <see cref="AccessTokenCache"/> should call it.
/// https://developers.weixin.qq.com/doc/service/api/base/api_getstableaccesstoken.html
/// </summary>
public sealed class StableTokenClient(IHttpClientFactory httpClientFactory) : IAccessTokenSource
{
    public const string HttpClientName = "WechatStableToken";

    public async Task<IssuedAccessToken> FetchAsync(WechatAppCredentials app, CancellationToken cancellationToken)
    {
        var body = new CgibinStableTokenRequest { Appid = app.AppId, Secret = app.AppSecret, ForceRefresh = false };
        using var request = new HttpRequestMessage(HttpMethod.Post, "cgi-bin/stable_token")
        {
            Content = new ByteArrayContent(WechatJson.SerializeToUtf8(body)),
        };
        request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        request.MarkIdempotent();

        // A client per call (not a captured one): this source lives in a singleton, and factory clients rotate handlers.
        var http = httpClientFactory.CreateClient(HttpClientName);
        using var response = await http.SendAsync(request, cancellationToken);
        response.EnsureSuccessStatusCode();
        var result = WechatJson.Deserialize<CgibinStableTokenResponse>(await response.Content.ReadAsByteArrayAsync(cancellationToken));
        if (!result.IsSuccess || string.IsNullOrEmpty(result.AccessToken))
        {
            throw new WechatApiException("cgi-bin/stable_token", result.Errcode ?? -1, result.Errmsg);
        }

        return new IssuedAccessToken(result.AccessToken, TimeSpan.FromSeconds(result.ExpiresIn));
    }
}
