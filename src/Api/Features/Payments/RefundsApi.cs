using System.ComponentModel.DataAnnotations;
using System.Net;
using System.Security.Claims;
using Microsoft.AspNetCore.Http.HttpResults;
using WechatLoyalty.Api.Infrastructure.Auth;
using WechatLoyalty.Domain.Payments;
using WechatLoyalty.Wechat.Pay;
using WechatLoyalty.Wechat.Pay.Refunds;

namespace WechatLoyalty.Api.Features.Payments;

/// <summary>
/// Admin refunds of a paid order, by its out_trade_no (in-store payments too: the POS's out_trade_no). The refund
/// row is written first and refunds past the payment are refused (409) before WeChat Pay is called; the points are
/// reversed when REFUND.SUCCESS arrives at the notify_url. A retry with the same requestId re-sends the same
/// out_refund_no, which WeChat Pay de-duplicates.
/// </summary>
internal static class RefundsApi
{
    public static void MapRefundsApi(this IEndpointRouteBuilder app) =>
        app.MapPost("/api/admin/orders/{outTradeNo}/refunds", Create).WithTags("Refunds").RequireAuthorization(Policies.Admin)
            .WithSummary("Refund a paid order in full or in part (amount in fen of the order total).");

    public sealed record RefundRequest([Range(1, int.MaxValue)] long AmountFen, [Required, MaxLength(RefundService.MaxReason)] string Reason, Guid? RequestId);

    public sealed record RefundResponse(string OutRefundNo, RefundStatus Status, long AmountFen);

    internal static async Task<Results<Accepted<RefundResponse>, ProblemHttpResult>> Create(
        string outTradeNo, RefundRequest request, ClaimsPrincipal user, RefundService refunds, WechatPayClient pay,
        ILoggerFactory loggers, CancellationToken ct)
    {
        var ticket = await refunds.RequestAsync(outTradeNo, request.AmountFen, request.Reason, user.Identity?.Name ?? "?",
            request.RequestId ?? Guid.NewGuid(), ct);
        var response = new RefundResponse(ticket.OutRefundNo, ticket.Status, ticket.AmountFen);
        if (ticket.Status != RefundStatus.Requested) return TypedResults.Accepted((string?)null, response);

        try
        {
            var answer = await pay.CreateRefundAsync(new RefundDomesticRefundsRequest
            {
                TransactionId = ticket.TransactionId, OutRefundNo = ticket.OutRefundNo, Reason = ticket.Reason,
                Amount = { Refund = checked((int)ticket.AmountFen), Total = checked((int)ticket.PaymentTotalFen) },
            }, ct);
            await refunds.AcceptedAsync(ticket.OutRefundNo, answer.RefundId, ct);
            return TypedResults.Accepted((string?)null, response with { Status = RefundStatus.Processing });
        }
        catch (WechatPayException ex) when ((int)ex.StatusCode is >= 400 and < 500 && ex.StatusCode != HttpStatusCode.TooManyRequests)
        {
            // A definite no (balance, rules): the refund no longer holds back the refundable amount.
            await refunds.RejectedAsync(ticket.OutRefundNo, ct);
            loggers.CreateLogger("Payments.Refunds").LogWarning("Refund {OutRefundNo} refused by WeChat Pay: {Code}", ticket.OutRefundNo, ex.Code);
            return TypedResults.Problem(statusCode: StatusCodes.Status409Conflict, title: $"WeChat Pay refused the refund: {ex.ErrorMessage}",
                extensions: new Dictionary<string, object?> { ["code"] = "refund.refused", ["wechatCode"] = ex.Code });
        }
        catch (Exception ex) when (ex is WechatPayException or HttpRequestException or TaskCanceledException && !ct.IsCancellationRequested)
        {
            // Unknown outcome: the row stays Requested; retrying with the same requestId is safe.
            loggers.CreateLogger("Payments.Refunds").LogWarning(ex, "Refund {OutRefundNo} not confirmed by WeChat Pay", ticket.OutRefundNo);
            return TypedResults.Problem(statusCode: StatusCodes.Status502BadGateway, title: "WeChat Pay did not answer; retry with the same requestId.",
                extensions: new Dictionary<string, object?> { ["code"] = "refund.retry", ["outRefundNo"] = ticket.OutRefundNo });
        }
    }
}
