using System.Text;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Options;
using WechatLoyalty.Api.Infrastructure;
using WechatLoyalty.Domain.Members;
using WechatLoyalty.Wechat;
using WechatLoyalty.Wechat.OfficialAccount;

namespace WechatLoyalty.Api.Features.WechatCallbacks;

/// <summary>
/// The official account's server URL. GET answers WeChat's URL check; POST takes pushes in plain or safe mode:
/// verify, decrypt, act, answer "success". Follows link the OA openid to the member by UnionID. Handling is
/// idempotent (a redelivered or late event cannot flip a newer state), so WeChat's retries are harmless.
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
        OaMessageParser parser, OfficialAccountClient wechat, IdentityService identities, IOptions<OfficialAccountOptions> options,
        ILoggerFactory loggers, CancellationToken ct)
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
        var at = DateTimeOffset.FromUnixTimeSeconds(message.CreateTime).UtcDateTime;
        switch (message)
        {
            case OaSubscribeEvent follow:
                // The event carries no UnionID; user/info does (when the OA is bound to the open platform).
                var info = await wechat.GetUserInfoAsync(follow.FromUserName, cancellationToken: ct);
                var identity = await identities.RecordFollowAsync(options.Value.AppId, follow.FromUserName, NullIfEmpty(info.Unionid), true, at, ct);
                logger.LogInformation("OA follow by identity {IdentityId} (member {MemberId}), scene {Scene}", identity.Id, identity.MemberId, follow.Scene);
                break;
            case OaUnsubscribeEvent unfollow:
                var left = await identities.RecordFollowAsync(options.Value.AppId, unfollow.FromUserName, null, false, at, ct);
                logger.LogInformation("OA unfollow by identity {IdentityId} (member {MemberId})", left.Id, left.MemberId);
                break;
            default:
                logger.LogInformation("OA push {MsgType}/{Event} acknowledged", message.MsgType, message.Event);
                break;
        }
        return TypedResults.Text("success", "text/plain");
    }

    private static string? NullIfEmpty(string? value) => string.IsNullOrEmpty(value) ? null : value;

    private static Dictionary<string, object?> Code(string code, string? reason = null) =>
        reason is null ? new() { ["code"] = code } : new() { ["code"] = code, ["reason"] = reason };
}
