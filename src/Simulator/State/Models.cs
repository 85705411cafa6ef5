namespace WechatLoyalty.Simulator.State;

// Mutable records of what WeChat knows. Every read and write happens under SimulatorState.Gate.

public sealed class SimUser
{
    public required string UnionId { get; init; }
    public required string MiniOpenId { get; init; }
    public required string OaOpenId { get; init; }
    public required string Phone { get; init; }
    public string CountryCode { get; init; } = "86";
    public required DateTimeOffset CreatedAt { get; init; }
    public bool BlocksTemplateMessages { get; set; }
    /// <summary>Current session_key (base64 of 16 bytes); null until the first wx.login.</summary>
    public string? SessionKey { get; set; }
    public bool Following { get; set; }
    public DateTimeOffset? SubscribeTime { get; set; }
    public string? SubscribeScene { get; set; }
    public long QrScene { get; set; }
    public string QrSceneStr { get; set; } = "";
    /// <summary>One-time subscribe-message credits per template id.</summary>
    public Dictionary<string, int> Credits { get; } = new(StringComparer.Ordinal);
    public HashSet<string> BannedTemplates { get; } = new(StringComparer.Ordinal);
}

public sealed class UserCode
{
    public required string Code { get; init; }
    public required string Kind { get; init; } // login | phone
    public required SimUser User { get; init; }
    public required DateTimeOffset IssuedAt { get; init; }
    public DateTimeOffset? UsedAt { get; set; }
}

public sealed class AccessTokenRecord
{
    public required string Token { get; init; }
    public required string AppId { get; init; }
    public required string Kind { get; init; } // stable | legacy
    public required DateTimeOffset IssuedAt { get; init; }
    public DateTimeOffset ExpiresAt { get; set; }
    public bool Invalidated { get; set; }
    public bool Forced { get; init; }
}

public sealed class SentMessage
{
    public required long Id { get; init; }
    public required string Kind { get; init; } // subscribe | template
    public required string AppId { get; init; }
    public required string ToUser { get; init; }
    public required string TemplateId { get; init; }
    public required string Body { get; init; }
    public required DateTimeOffset At { get; init; }
    public int ErrCode { get; set; }
    public string ErrMsg { get; set; } = "ok";
    public long? MsgId { get; set; }
    public string? ClientMsgId { get; init; }
    /// <summary>Template messages: the TEMPLATESENDJOBFINISH Status pushed to the OA.</summary>
    public string? JobStatus { get; set; }
}

public sealed class QrTicket
{
    public required string Ticket { get; init; }
    public required string ActionName { get; init; }
    public long SceneId { get; init; }
    public string? SceneStr { get; init; }
    public required string Url { get; init; }
    public required DateTimeOffset CreatedAt { get; init; }
    public DateTimeOffset? ExpiresAt { get; init; }
    public string SceneValue => SceneStr ?? SceneId.ToString(System.Globalization.CultureInfo.InvariantCulture);
}

public sealed class DeliveryAttempt
{
    public required int Number { get; init; }
    public required DateTimeOffset At { get; init; }
    public int? HttpStatus { get; set; }
    public string? Error { get; set; }
    public double DurationMs { get; set; }
    public bool Duplicate { get; init; }
    public bool Succeeded => HttpStatus is >= 200 and < 300;
}

/// <summary>An OA push (event XML to our ServerUrl) and what we answered.</summary>
public sealed class OaPush
{
    public required long Id { get; init; }
    public required string Event { get; init; }
    public required string OpenId { get; init; }
    public required string Xml { get; init; }
    public string? Url { get; init; }
    public required DateTimeOffset At { get; init; }
    public List<DeliveryAttempt> Attempts { get; } = [];
    public string Status { get; set; } = "pending"; // pending | delivered | failed | not_sent
    public string? Reply { get; set; }
    public string? ReplyError { get; set; }
}

public sealed class PayOrder
{
    public required string AppId { get; init; }
    public required string MchId { get; init; }
    public required string OutTradeNo { get; init; }
    public required string Description { get; init; }
    public string? Attach { get; init; }
    public string? NotifyUrl { get; init; }
    public required int Total { get; init; }
    public required string PayerOpenId { get; init; }
    public required string TradeType { get; init; } // JSAPI | MICROPAY
    public required DateTimeOffset CreatedAt { get; init; }
    public string? Fingerprint { get; init; }
    public DateTimeOffset? TimeExpire { get; init; }
    public string? PrepayId { get; set; }
    public DateTimeOffset PrepayIssuedAt { get; set; }
    public string TradeState { get; set; } = "NOTPAY";
    public string? TransactionId { get; set; }
    public DateTimeOffset? SuccessTime { get; set; }
    public int PayerTotal { get; set; }
    public List<PayRefund> Refunds { get; } = [];
}

public sealed class PayRefund
{
    public required string RefundId { get; init; }
    public required string OutRefundNo { get; init; }
    public required PayOrder Order { get; init; }
    public required int Refund { get; init; }
    public required int PayerRefund { get; init; }
    public string? Reason { get; init; }
    public string? NotifyUrl { get; init; }
    public required string Fingerprint { get; init; }
    public required DateTimeOffset CreatedAt { get; init; }
    public string Status { get; set; } = "PROCESSING";
    public DateTimeOffset? SuccessTime { get; set; }
}

/// <summary>A WeChat Pay notification: the body is built and signed-over once; each attempt is re-signed fresh.</summary>
public sealed class PayNotification
{
    public required string Id { get; init; }
    public required string EventType { get; init; }
    public required string NotifyUrl { get; init; }
    public required string BusinessKey { get; init; }
    public required string Body { get; init; }
    public required string ResourcePlaintext { get; init; }
    public required DateTimeOffset CreatedAt { get; init; }
    public string Status { get; set; } = "pending"; // pending | delivered | failed
    public List<DeliveryAttempt> Attempts { get; } = [];
}
