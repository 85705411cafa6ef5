using Microsoft.Extensions.Options;
using WechatLoyalty.Wechat.AccessTokens;
using WechatLoyalty.Wechat.Http;

namespace WechatLoyalty.Wechat.OfficialAccount;

/// <summary>The official-account server APIs we use. Typed client on IHttpClientFactory; base URL from Wechat:Endpoints:Api.</summary>
public sealed class OfficialAccountClient
{
    public const string HttpClientName = "WechatOfficialAccount";

    private readonly WechatApiCaller _caller;
    private readonly Uri _mp;

    public OfficialAccountClient(
        HttpClient http, AccessTokenCache tokens, IOptions<OfficialAccountOptions> options, IOptions<WechatEndpointsOptions> endpoints)
    {
        _caller = new WechatApiCaller(http, tokens, options.Value.Credentials);
        // A trailing slash, so showqrcode appends to a base with a path, as the Api and Pay bases do.
        var mp = endpoints.Value.Mp.ToString();
        _mp = new Uri(mp.EndsWith('/') ? mp : mp + "/");
    }

    /// <summary>Returns the msgid. Not retried on transport errors (a repeat is a duplicate message); errors are typed.</summary>
    // https://developers.weixin.qq.com/doc/service/api/notify/template/api_sendtemplatemessage.html
    public async Task<long> SendTemplateMessageAsync(CgibinMessageTemplateSendRequest request, CancellationToken cancellationToken = default) =>
        (await _caller.PostJsonAsync<CgibinMessageTemplateSendResponse>("cgi-bin/message/template/send", request, idempotent: false, cancellationToken)).Msgid;

    /// <summary>A parametric QR code; build the body with <see cref="CgibinQrcodeCreateRequest.Temporary"/> or Permanent.</summary>
    // https://developers.weixin.qq.com/doc/service/api/qrcode/qrcodes/api_createqrcode.html
    public Task<CgibinQrcodeCreateResponse> CreateQrCodeAsync(CgibinQrcodeCreateRequest request, CancellationToken cancellationToken = default) =>
        _caller.PostJsonAsync<CgibinQrcodeCreateResponse>("cgi-bin/qrcode/create", request, idempotent: false, cancellationToken);

    /// <summary>The image URL of a ticket (no token needed).</summary>
    // https://developers.weixin.qq.com/doc/service/api/qrcode/qrcodes/api_getqrcode.html
    public Uri ShowQrCodeUrl(string ticket) => new(_mp, "cgi-bin/showqrcode?ticket=" + Uri.EscapeDataString(ticket));

    // https://developers.weixin.qq.com/doc/service/api/usermanage/userinfo/api_userinfo.html
    public Task<CgibinUserInfoResponse> GetUserInfoAsync(string openId, string lang = "zh_CN", CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(openId);
        return _caller.GetJsonAsync<CgibinUserInfoResponse>(
            $"cgi-bin/user/info?openid={Uri.EscapeDataString(openId)}&lang={Uri.EscapeDataString(lang)}", cancellationToken);
    }
}
