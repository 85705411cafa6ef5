namespace WechatLoyalty.Wechat.MiniProgram;

/// <summary>
/// POST /cgi-bin/message/subscribe/send body: consumes one of the user's one-time subscription credits.
/// https://developers.weixin.qq.com/miniprogram/dev/OpenApiDoc/mp-message-management/subscribe-message/sendMessage.html
/// </summary>
public sealed class CgibinMessageSubscribeSendRequest
{
    /// <summary>The mini-program openid.</summary>
    public string Touser { get; set; } = string.Empty;

    public string TemplateId { get; set; } = string.Empty;

    /// <summary>An in-app page, query allowed; omit for no jump.</summary>
    public string? Page { get; set; }

    /// <summary>Keyword id (thing1, time2...) → value.</summary>
    public Dictionary<string, TemplateDataValue> Data { get; set; } = [];

    /// <summary>developer, trial or formal.</summary>
    public string? MiniprogramState { get; set; }

    public string? Lang { get; set; }
}

/// <summary><c>{"value": "..."}</c>, the value holder of subscribe and template message data.</summary>
public sealed record TemplateDataValue(string Value);
