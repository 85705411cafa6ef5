using System.Text;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Options;
using WechatLoyalty.Api.Infrastructure;
using WechatLoyalty.Jobs.Messages;
using WechatLoyalty.Wechat;
using WechatLoyalty.Wechat.OfficialAccount;

namespace WechatLoyalty.Api.Features.WechatCallbacks;

/// <summary>
/// The official account's server URL. GET answers WeChat's URL check; POST takes pushes in plain or safe mode:
/// verify, decrypt, store (duplicates dropped), answer "success" at once, then act: follows link the OA openid to
/// the member by UnionID (with the store of a <c>qrscene_store_…</c> follow), TEMPLATESENDJOBFINISH settles the
/// delivery with that msgid. Handling is idempotent (a late event cannot flip a newer state).
/// </summary>
internal static class OfficialAccountCallbackApi
{
    /// <summary>Pushes are small; anything larger is not from WeChat.</summary>
    private const int MaxBodyBytes = 64 * 1024;

    public static void MapOfficialAccountCallback(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/wechat/oa").WithTags("WeChat callbacks").AllowAnonymous().ExcludeFromDescription();
        group.MapGet("/", Verify);
        group.MapPost("/", Receive);
    }

    internal static Results<ContentHttpResult, ProblemHttpResult> Verify(
        string? signature, string? timestamp, string? nonce, string? echostr, IOptions<OfficialAccountOptions> options, ILoggerFactory loggers)
    {
        if (echostr is null || !OaSignature.VerifyUrl(options.Value.Token, signature, timestamp, nonce))
        {
            loggers.CreateLogger("Wechat.OfficialAccount").LogWarning("OA URL verification failed: bad signature");
            return TypedResults.Problem(statusCode: 401, title: "Signature check failed.", extensions: Code("wechat.bad_signature"));
        }
        return TypedResults.Text(echostr, "text/plain");
    }

    internal static async Task<Results<ContentHttpResult, ProblemHttpResult>> Receive(
        HttpRequest request, string? signature, string? timestamp, string? nonce, string? openid,
        [Microsoft.AspNetCore.Mvc.FromQuery(Name = "encrypt_type")] string? encryptType,
        [Microsoft.AspNetCore.Mvc.FromQuery(Name = "msg_signature")] string? msgSignature,
        OaMessageParser parser, OaEventInbox inbox, ILoggerFactory loggers, CancellationToken ct)
    {
        var logger = loggers.CreateLogger("Wechat.OfficialAccount");
        var bytes = await RequestBody.ReadAsync(request, MaxBodyBytes, ct);
        if (bytes is null)
        {
            logger.LogWarning("OA push rejected: body too large (over {MaxBytes} bytes)", MaxBodyBytes);
            return TypedResults.Problem(statusCode: 413, title: "The push is too large.", extensions: Code("wechat.too_large"));
        }

        var body = Encoding.UTF8.GetString(bytes);
        OaMessage message;
        try
        {
            message = parser.Parse(new OaPushRequest(body, signature, timestamp, nonce, encryptType, msgSignature));
        }
        catch (OaMessageException ex)
        {
            logger.LogWarning("OA push rejected: {Reason}", ex.Reason);
            return TypedResults.Problem(statusCode: ex.Reason is OaMessageError.BadSignature or OaMessageError.BadMsgSignature ? 401 : 400,
                title: "The push did not verify.", extensions: Code("wechat.push_rejected", ex.Reason.ToString()));
        }

        using var scope = logger.BeginScope(new Dictionary<string, object> { ["WechatDedupKey"] = message.DedupKey });
        // Stored before we answer, so nothing WeChat handed us is lost; duplicates (WeChat retries pushes it got no
        // quick answer for) stop here. The work (a user/info call, database updates) runs after the answer.
        long? eventId;
        try
        {
            eventId = await inbox.AcceptAsync(message, ct);
        }
        catch (Exception ex) when (!ct.IsCancellationRequested && OaEventInbox.IsTransient(ex))
        {
            // Not stored (the database is down, or a lock conflict outlived the inbox's retries): WeChat pushes it again.
            logger.LogWarning(ex, "OA push not stored; WeChat will push it again");
            return TypedResults.Problem(statusCode: 503, title: "The push could not be stored; retry later.", extensions: Code("wechat.push_not_stored"));
        }
        if (eventId is { } id)
        {
            var scopes = request.HttpContext.RequestServices.GetRequiredService<IServiceScopeFactory>();
            request.HttpContext.Response.OnCompleted(() => ProcessAfterReplyAsync(scopes, id, logger));
        }
        return TypedResults.Text("success", "text/plain");
    }

    /// <summary>
    /// Right after the reply. A failure here loses nothing: the event row stays unprocessed and the sweep job
    /// (messages-oa-events) takes it up.
    /// </summary>
    private static async Task ProcessAfterReplyAsync(IServiceScopeFactory scopes, long eventId, ILogger logger)
    {
        try
        {
            await using var scope = scopes.CreateAsyncScope();
            await scope.ServiceProvider.GetRequiredService<OaEventProcessor>().ProcessAsync(eventId, CancellationToken.None);
        }
        catch (Exception ex)
        {
            logger.LogWarning(ex, "OA event {OaEventId} not processed after the reply; the sweep job will retry it", eventId);
        }
    }

    private static string? NullIfEmpty(string? value) => string.IsNullOrEmpty(value) ? null : value;

    private static Dictionary<string, object?> Code(string code, string? reason = null) =>
        reason is null ? new() { ["code"] = code } : new() { ["code"] = code, ["reason"] = reason };
}
