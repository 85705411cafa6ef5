namespace WechatLoyalty.Wechat.OfficialAccount;

/// <summary>
/// GET /cgi-bin/user/info answer. Nickname/avatar are no longer filled; do not depend on them.
/// https://developers.weixin.qq.com/doc/service/api/usermanage/userinfo/api_userinfo.html
/// </summary>
public sealed class CgibinUserInfoResponse : WechatApiResponse
{
    /// <summary>1 = follows; 0 = not (then only openid and unionid come back).</summary>
    public int Subscribe { get; set; }

    public string Openid { get; set; } = string.Empty;

    /// <summary>Only when the account is bound to an open platform account.</summary>
    public string? Unionid { get; set; }

    public string? Language { get; set; }

    public long? SubscribeTime { get; set; }

    /// <summary>ADD_SCENE_QR_CODE, ADD_SCENE_SEARCH...</summary>
    public string? SubscribeScene { get; set; }

    public long? QrScene { get; set; }

    /// <summary>Attribution fallback when the subscribe event was lost.</summary>
    public string? QrSceneStr { get; set; }

    public string? Remark { get; set; }

    public bool IsFollower => Subscribe == 1;
}
