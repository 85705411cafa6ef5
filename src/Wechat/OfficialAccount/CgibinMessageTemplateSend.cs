using WechatLoyalty.Wechat.MiniProgram;

namespace WechatLoyalty.Wechat.OfficialAccount;

/// <summary>
/// POST /cgi-bin/message/template/send body. Keyword values ≤20 characters, no line breaks, no marketing.
/// https://developers.weixin.qq.com/doc/service/api/notify/template/api_sendtemplatemessage.html
/// </summary>
public sealed class CgibinMessageTemplateSendRequest
{
    /// <summary>The official-account openid (a follower, else 43004).</summary>
    public string Touser { get; set; } = string.Empty;

    public string TemplateId { get; set; } = string.Empty;

    /// <summary>Fallback H5 link for clients that cannot open the mini-program.</summary>
    public string? Url { get; set; }

    public TemplateMiniProgram? Miniprogram { get; set; }

    public Dictionary<string, TemplateDataValue> Data { get; set; } = [];

    /// <summary>WeChat's short-window anti-duplicate key per (openid, client_msg_id); not a substitute for ours.</summary>
    public string? ClientMsgId { get; set; }

    /// <summary>The mini-program must be linked to the official account.</summary>
    public sealed record TemplateMiniProgram(string Appid, string? Pagepath);
}

public sealed class CgibinMessageTemplateSendResponse : WechatApiResponse
{
    /// <summary>Matches the MsgID of the later TEMPLATESENDJOBFINISH event.</summary>
    public long Msgid { get; set; }
}
