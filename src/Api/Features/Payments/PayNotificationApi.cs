using System.Text.Json;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Options;
using WechatLoyalty.Api.Infrastructure;
using WechatLoyalty.Domain.Common;
using WechatLoyalty.Domain.Payments;
using WechatLoyalty.Jobs.Payments;
using WechatLoyalty.Wechat.Pay;
using WechatLoyalty.Wechat.Pay.Notifications;

namespace WechatLoyalty.Api.Features.Payments;

/// <summary>
/// WeChat Pay's notify_url, for payments and refunds alike (refund requests use the same notify_url): verify →
/// decrypt → check it is ours → record in one transaction → 204. What does not verify is 401 and touches nothing;
/// what verifies but is not ours (merchant, app, order, amount) is 400; a transient failure is 500 so WeChat
/// retries; a redelivery of something recorded is 204 with nothing written. The HTTP status is what WeChat reads.
/// </summary>
internal static class PayNotificationApi
{
    /// <summary>Notifications are about 1 KB; anything much larger is not from WeChat.</summary>
    private const int MaxBodyBytes = 64 * 1024;

    /// <summary>The decrypted resource's spelling (snake_case); it is only read, never re-serialized for checking.</summary>
    private static readonly JsonSerializerOptions ResourceJson = new(JsonSerializerDefaults.Web)
    {
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        NumberHandling = System.Text.Json.Serialization.JsonNumberHandling.AllowReadingFromString,
    };

    public static void MapPayNotification(this IEndpointRouteBuilder app) =>
        app.MapPost("/wechat/pay/notify", Receive).AllowAnonymous().ExcludeFromDescription();

    internal static async Task<Results<NoContent, JsonHttpResult<PayNotifyReply>>> Receive(
        HttpRequest request, WechatPayNotificationParser parser, PaymentRecorder payments, RefundRecorder refunds, TimeProvider time,
        IOptions<WechatPayOptions> payOptions, IOptions<ProgrammeOptions> programme, ILoggerFactory loggers, CancellationToken ct)
    {
        var logger = loggers.CreateLogger("Wechat.PayNotify");
        // The raw bytes, before anything else touches the body: the signature covers exactly them.
        var body = await RequestBody.ReadAsync(request, MaxBodyBytes, ct);
        if (body is null)
        {
            logger.LogWarning("Pay notification rejected: body too large (over {MaxBytes} bytes)", MaxBodyBytes);
            return Fail(413, "body too large");
        }

        WechatPayNotification<string> notification;
        try
        {
            notification = parser.ParseRaw(body, WechatPaySignatureHeaders.From(name => request.Headers[name].FirstOrDefault()));
        }
        catch (WechatPayVerificationException ex)
        {
            logger.LogWarning("Pay notification rejected: {Reason}", ex.Reason);
            return Fail(401, "verification failed: " + ex.Reason);
        }

        using var scope = logger.BeginScope(new Dictionary<string, object> { ["NotificationId"] = notification.Envelope.Id });
        var options = payOptions.Value;
        var now = time.GetUtcNow().UtcDateTime;
        try
        {
            if (notification.EventType.StartsWith("TRANSACTION.", StringComparison.Ordinal))
            {
                // "null" decrypts and parses to nothing: malformed, not a reason for WeChat to retry (a 500 would be).
                var t = JsonSerializer.Deserialize<TransactionResource>(notification.Resource, ResourceJson)
                    ?? throw new JsonException("the resource is null");
                if (t.Mchid != options.MchId || t.Appid != options.AppId) return Reject(logger, "mchid or appid is not ours", t.OutTradeNo);
                if (WechatPayMapping.ToPaid(t, PaymentChannel.MiniProgram, now) is not { } paid)
                {
                    logger.LogInformation("Pay notification {EventType} for {OutTradeNo} acknowledged without action", notification.EventType, t.OutTradeNo);
                    return TypedResults.NoContent();
                }
                var result = await payments.RecordAsync(paid, programme.Value.Preset, ct);
                if (result.Status == PaymentRecordStatus.Rejected) return Reject(logger, result.RejectReason!, t.OutTradeNo);
                return TypedResults.NoContent();
            }
            if (notification.EventType.StartsWith("REFUND.", StringComparison.Ordinal))
            {
                var r = JsonSerializer.Deserialize<RefundResource>(notification.Resource, ResourceJson)
                    ?? throw new JsonException("the resource is null");
                if (r.Mchid != options.MchId) return Reject(logger, "mchid is not ours", r.OutTradeNo);
                if (WechatPayMapping.ToCompleted(r, now) is { } completed) await refunds.RecordAsync(completed, ct);
                return TypedResults.NoContent();
            }
            logger.LogInformation("Pay notification {EventType} acknowledged without action", notification.EventType);
            return TypedResults.NoContent();
        }
        catch (DomainException ex) when (ex.Code == RefundRecorder.PaymentNotRecordedYet)
        {
            // Not an error of WeChat's: the refund overtook its payment. A 5xx and WeChat delivers it again later.
            logger.LogWarning("Pay notification {EventType} arrived before its payment was recorded; WeChat will retry", notification.EventType);
            return Fail(503, "payment not recorded yet, retry later");
        }
        catch (JsonException ex)
        {
            // The serializer's message can quote the decrypted payload; the path says enough and leaks nothing.
            return Reject(logger, $"resource is malformed at {ex.Path ?? "$"}", null);
        }
        catch (DomainException ex)
        {
            return Reject(logger, ex.Message, null);
        }
        catch (Exception ex) when (!ct.IsCancellationRequested)
        {
            // The database is down or a deadlock outlived the retries: a 5xx makes WeChat deliver it again later.
            logger.LogError(ex, "Pay notification {EventType} not recorded; WeChat will retry", notification.EventType);
            return Fail(500, "temporarily unavailable");
        }
    }

    private static JsonHttpResult<PayNotifyReply> Reject(ILogger logger, string reason, string? outTradeNo)
    {
        logger.LogWarning("Pay notification for {OutTradeNo} refused: {Reason}", outTradeNo, reason);
        return Fail(400, reason);
    }

    private static JsonHttpResult<PayNotifyReply> Fail(int status, string message) =>
        TypedResults.Json(new PayNotifyReply("FAIL", message), statusCode: status);
}

/// <summary>WeChat Pay's failure reply: <c>{"code":"FAIL","message":"..."}</c>.</summary>
internal sealed record PayNotifyReply(string Code, string Message);
