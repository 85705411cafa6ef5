using System.Globalization;

namespace WechatLoyalty.Wechat.OfficialAccount;

/// <summary>
/// A message or event pushed to the official account. Known events have their own subtype; the raw fields stay
/// available. https://developers.weixin.qq.com/doc/service/guide/product/message/Receiving_event_pushes.html
/// </summary>
public class OaMessage
{
    protected internal OaMessage(IReadOnlyDictionary<string, string> fields, bool wasEncrypted)
    {
        Fields = fields;
        WasEncrypted = wasEncrypted;
    }

    public IReadOnlyDictionary<string, string> Fields { get; }

    /// <summary>True in safe mode: the reply must then be encrypted too.</summary>
    public bool WasEncrypted { get; }

    /// <summary>Our account (gh_ id).</summary>
    public string ToUserName => Field("ToUserName") ?? string.Empty;

    /// <summary>The user's openid under the official account.</summary>
    public string FromUserName => Field("FromUserName") ?? string.Empty;

    public long CreateTime => long.TryParse(Field("CreateTime"), NumberStyles.None, CultureInfo.InvariantCulture, out var t) ? t : 0;

    public string MsgType => Field("MsgType") ?? string.Empty;

    public string? Event => Field("Event");

    /// <summary>MsgId of ordinary messages, MsgID of template job events.</summary>
    public string? MsgId => Field("MsgId") ?? Field("MsgID");

    /// <summary>
    /// WeChat retries a push up to 3 times: messages are unique by MsgId, events by FromUserName + CreateTime
    /// (+ Event, to be safe).
    /// </summary>
    public string DedupKey => MsgId is { Length: > 0 } id
        ? $"msg:{id}"
        : $"event:{FromUserName}:{CreateTime.ToString(CultureInfo.InvariantCulture)}:{Event}";

    public string? Field(string name) => Fields.TryGetValue(name, out var value) ? value : null;

    internal static OaMessage Create(IReadOnlyDictionary<string, string> fields, bool wasEncrypted)
    {
        var msgType = fields.GetValueOrDefault("MsgType");
        if (!string.Equals(msgType, "event", StringComparison.Ordinal))
        {
            return string.Equals(msgType, "text", StringComparison.Ordinal)
                ? new OaTextMessage(fields, wasEncrypted)
                : new OaMessage(fields, wasEncrypted);
        }

        return fields.GetValueOrDefault("Event") switch
        {
            "subscribe" => new OaSubscribeEvent(fields, wasEncrypted),
            "unsubscribe" => new OaUnsubscribeEvent(fields, wasEncrypted),
            "SCAN" => new OaScanEvent(fields, wasEncrypted),
            "TEMPLATESENDJOBFINISH" => new OaTemplateSendJobFinishEvent(fields, wasEncrypted),
            _ => new OaMessage(fields, wasEncrypted),
        };
    }
}

public sealed class OaTextMessage(IReadOnlyDictionary<string, string> fields, bool wasEncrypted) : OaMessage(fields, wasEncrypted)
{
    public string Content => Field("Content") ?? string.Empty;
}

/// <summary>A follow. From a parametric QR code, EventKey is <c>qrscene_</c> + the scene.</summary>
public sealed class OaSubscribeEvent(IReadOnlyDictionary<string, string> fields, bool wasEncrypted) : OaMessage(fields, wasEncrypted)
{
    public const string ScenePrefix = "qrscene_";

    /// <summary>The QR scene without the prefix, or null for a plain follow.</summary>
    public string? Scene => Field("EventKey") is { } key && key.StartsWith(ScenePrefix, StringComparison.Ordinal) && key.Length > ScenePrefix.Length
        ? key[ScenePrefix.Length..]
        : null;

    public string? Ticket => Field("Ticket");
}

/// <summary>The user can no longer receive template messages (43004 from now on).</summary>
public sealed class OaUnsubscribeEvent(IReadOnlyDictionary<string, string> fields, bool wasEncrypted) : OaMessage(fields, wasEncrypted);

/// <summary>A follower scanned a parametric QR code; EventKey is the bare scene (no prefix).</summary>
public sealed class OaScanEvent(IReadOnlyDictionary<string, string> fields, bool wasEncrypted) : OaMessage(fields, wasEncrypted)
{
    public string? Scene => Field("EventKey") is { Length: > 0 } key ? key : null;

    public string? Ticket => Field("Ticket");
}

/// <summary>The final result of a template send, matched to the send by MsgID.</summary>
public sealed class OaTemplateSendJobFinishEvent(IReadOnlyDictionary<string, string> fields, bool wasEncrypted) : OaMessage(fields, wasEncrypted)
{
    /// <summary>success, "failed:user block", "failed: system failed" (spacing varies).</summary>
    public string Status => Field("Status") ?? string.Empty;

    public bool Succeeded => string.Equals(Status, "success", StringComparison.OrdinalIgnoreCase);

    public bool Failed => Status.StartsWith("failed", StringComparison.OrdinalIgnoreCase);
}
