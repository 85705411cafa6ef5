namespace WechatLoyalty.Domain.Messaging;

/// <summary>
/// How the dispatcher reaches WeChat. Domain knows nothing of src/Wechat; the host implements this with the
/// official-account and mini-program clients. Implementations never retry a send and never throw for a WeChat
/// answer: errcodes come back in the result, and a transport failure (the request may or may not have arrived)
/// comes back with <see cref="GatewayResult.OutcomeUnknown"/>.
/// </summary>
public interface IWechatMessageGateway
{
    string OfficialAccountAppId { get; }
    string MiniProgramAppId { get; }
    Task<GatewayResult> SendTemplateAsync(OaTemplateMessage message, CancellationToken ct);
    Task<GatewayResult> SendSubscribeAsync(MpSubscribeMessage message, CancellationToken ct);
}

/// <summary>An OA template message; <see cref="ClientMsgId"/> is WeChat's short-window anti-duplicate key.</summary>
public sealed record OaTemplateMessage(string OpenId, string TemplateId, IReadOnlyDictionary<string, string> Data, string? Page, string ClientMsgId);

public sealed record MpSubscribeMessage(string OpenId, string TemplateId, IReadOnlyDictionary<string, string> Data, string? Page);

public sealed record GatewayResult(long? Msgid, int? Errcode, string? Errmsg, bool OutcomeUnknown = false)
{
    public bool Succeeded => !OutcomeUnknown && Errcode is null or 0;

    public static GatewayResult Ok(long msgid) => new(msgid, 0, "ok");
}

/// <summary>The per-app send pace shared by all processes, and the pause after a quota answer.</summary>
public interface IMessageThrottle
{
    /// <summary>Waits for a send slot of the app; not allowed (with the time it resumes) while the app is paused.</summary>
    Task<ThrottleResult> AcquireAsync(string appId, CancellationToken ct);

    /// <summary>
    /// Up to <paramref name="count"/> send slots of the app at once (a batch's reservation, one round trip while the
    /// window has room): at least one is granted unless the app is paused or no slot frees up within the wait.
    /// </summary>
    Task<ThrottleGrant> AcquireManyAsync(string appId, int count, CancellationToken ct);

    Task PauseAsync(string appId, DateTimeOffset until, CancellationToken ct);
}

public sealed record ThrottleResult(bool Allowed, DateTimeOffset? PausedUntil)
{
    public static ThrottleResult Granted { get; } = new(true, null);
}

public sealed record ThrottleGrant(int Granted, DateTimeOffset? PausedUntil);
