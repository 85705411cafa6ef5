namespace WechatLoyalty.Domain.Messaging;

/// <summary>
/// The registry entry of one message kind: the official-account template and/or the mini-program subscription
/// template, how our values fill each template's fields (<c>{"thing1": "{nickname}，生日快乐"}</c>), and the
/// mini-program page the message opens. One entry per kind.
/// </summary>
public class MessageTemplate
{
    public long Id { get; set; }
    public required string Kind { get; set; }

    /// <summary>OA template id (template messages to followers); null when the kind is not sent on the OA.</summary>
    public string? OaTemplateId { get; set; }

    /// <summary>Field key → text with <c>{value}</c> placeholders, for the OA template.</summary>
    public string OaFieldsJson { get; set; } = "{}";

    /// <summary>Mini-program subscription template id (needs the member's one-time consent); null when not used.</summary>
    public string? MpTemplateId { get; set; }

    public string MpFieldsJson { get; set; } = "{}";

    /// <summary>Mini-program page (no leading '/', query allowed), e.g. <c>pages/points/index?from=msg</c>.</summary>
    public string? Page { get; set; }

    public bool Enabled { get; set; } = true;
    public string? UpdatedBy { get; set; }
    public DateTime CreatedAt { get; set; }
    public DateTime UpdatedAt { get; set; }
}
