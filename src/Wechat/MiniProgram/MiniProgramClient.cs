using Microsoft.Extensions.Options;
using WechatLoyalty.Wechat.AccessTokens;
using WechatLoyalty.Wechat.Http;

namespace WechatLoyalty.Wechat.MiniProgram;

/// <summary>The mini-program server APIs we use. Typed client on IHttpClientFactory; base URL from Wechat:Endpoints:Api.</summary>
public sealed class MiniProgramClient
{
    public const string HttpClientName = "WechatMiniProgram";

    private readonly HttpClient _http;
    private readonly MiniProgramOptions _options;
    private readonly WechatApiCaller _caller;

    public MiniProgramClient(HttpClient http, AccessTokenCache tokens, IOptions<MiniProgramOptions> options)
    {
        _http = http;
        _options = options.Value;
        _caller = new WechatApiCaller(http, tokens, _options.Credentials);
    }

    /// <summary>Exchanges a wx.login code. Never retried: the code is single-use, a retry could only fail.</summary>
    // https://developers.weixin.qq.com/miniprogram/dev/OpenApiDoc/user-login/code2Session.html
    public async Task<SnsJsCode2SessionResponse> Code2SessionAsync(string jsCode, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(jsCode);
        var query = $"sns/jscode2session?appid={Uri.EscapeDataString(_options.AppId)}&secret={Uri.EscapeDataString(_options.AppSecret)}"
            + $"&js_code={Uri.EscapeDataString(jsCode)}&grant_type=authorization_code";
        using var request = new HttpRequestMessage(HttpMethod.Get, query).MarkNoRetry();
        using var response = await _http.SendAsync(request, cancellationToken);
        response.EnsureSuccessStatusCode();
        var result = WechatJson.Deserialize<SnsJsCode2SessionResponse>(await response.Content.ReadAsByteArrayAsync(cancellationToken));
        if (!result.IsSuccess || string.IsNullOrEmpty(result.Openid))
        {
            throw new WechatApiException("sns/jscode2session", result.Errcode ?? -1, result.Errmsg);
        }

        return result;
    }

    /// <summary>Not retried: the code is single-use and each success is billed.</summary>
    // https://developers.weixin.qq.com/miniprogram/dev/OpenApiDoc/user-info/phone-number/getPhoneNumber.html
    public Task<WxaBusinessGetUserPhoneNumberResponse> GetUserPhoneNumberAsync(string code, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(code);
        return _caller.PostJsonAsync<WxaBusinessGetUserPhoneNumberResponse>(
            "wxa/business/getuserphonenumber", new WxaBusinessGetUserPhoneNumberRequest(code), idempotent: false, cancellationToken);
    }

    /// <summary>
    /// A permanent, unlimited mini-program code. Success is image bytes, failure a JSON error, both HTTP 200, so we
    /// branch on Content-Type and the first byte. Idempotent: the same request draws the same code.
    /// </summary>
    // https://developers.weixin.qq.com/miniprogram/dev/OpenApiDoc/qrcode-link/qr-code/getUnlimitedQRCode.html
    public Task<WxaCodeImage> GetUnlimitedQrCodeAsync(WxaGetWxaCodeUnlimitRequest request, CancellationToken cancellationToken = default)
    {
        if (request.Validate() is { } problem)
        {
            throw new ArgumentException(problem, nameof(request));
        }

        return _caller.SendAsync("wxa/getwxacodeunlimit", () => WechatApiCaller.JsonContent(request), HttpMethod.Post,
            idempotent: true, ReadImageAsync, cancellationToken);
    }

    /// <summary>Not retried on transport errors: a repeat could deliver twice and spend two credits.</summary>
    // https://developers.weixin.qq.com/miniprogram/dev/OpenApiDoc/mp-message-management/subscribe-message/sendMessage.html
    public Task SendSubscribeMessageAsync(CgibinMessageSubscribeSendRequest request, CancellationToken cancellationToken = default) =>
        _caller.PostJsonAsync<WechatApiResponse>("cgi-bin/message/subscribe/send", request, idempotent: false, cancellationToken);

    internal static async Task<(WxaCodeImage? Result, WechatApiResponse Status)> ReadImageAsync(
        HttpResponseMessage response, CancellationToken cancellationToken)
    {
        var bytes = await response.Content.ReadAsByteArrayAsync(cancellationToken);
        var contentType = response.Content.Headers.ContentType?.MediaType ?? string.Empty;
        var isImage = contentType.StartsWith("image/", StringComparison.OrdinalIgnoreCase);
        if (!isImage || (bytes.Length > 0 && bytes[0] == (byte)'{'))
        {
            var error = bytes.Length > 0 && bytes[0] == (byte)'{'
                ? WechatJson.Deserialize<WechatApiResponse>(bytes)
                : new WechatApiResponse { Errcode = -1, Errmsg = $"unexpected {contentType} answer" };
            // An error body with errcode 0 would be nonsense; never report it as success.
            if (error.IsSuccess)
            {
                error.Errcode = -1;
            }

            return (null, error);
        }

        return (new WxaCodeImage(bytes, contentType), new WechatApiResponse());
    }
}
