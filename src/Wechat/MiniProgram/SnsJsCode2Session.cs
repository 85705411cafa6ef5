namespace WechatLoyalty.Wechat.MiniProgram;

/// <summary>
/// GET /sns/jscode2session answer. session_key is a secret: keep it server-side, never log or return it.
/// https://developers.weixin.qq.com/miniprogram/dev/OpenApiDoc/user-login/code2Session.html
/// </summary>
public sealed class SnsJsCode2SessionResponse : WechatApiResponse
{
    public string Openid { get; set; } = string.Empty;

    /// <summary>Base64 of 16 bytes; decrypts open data produced while it was current.</summary>
    public string SessionKey { get; set; } = string.Empty;

    /// <summary>Present when the mini-program is bound to an open platform account.</summary>
    public string? Unionid { get; set; }
}
