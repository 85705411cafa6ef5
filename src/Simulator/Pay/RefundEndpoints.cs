using WechatLoyalty.Simulator.Hosting;
using WechatLoyalty.Simulator.State;

namespace WechatLoyalty.Simulator.Pay;

/// <summary>Domestic refunds: create (≤ paid amount in total, ≤ 50 per order, same out_refund_no idempotent) and query.</summary>
internal static class RefundEndpoints
{
    private const int MaxRefundsPerOrder = 50;

    public static void Map(RouteGroupBuilder v3)
    {
        v3.MapPost("/refund/domestic/refunds", Create);
        v3.MapGet("/refund/domestic/refunds/{outRefundNo}", Query);
    }

    // https://pay.weixin.qq.com/doc/v3/merchant/4012791862
    private static IResult Create(HttpContext http, SimulatorState state, SimulatorOptions options, SimulatorClock clock, PayLifecycle lifecycle)
    {
        var (body, error) = PayRules.ParseBody(http);
        if (body is null)
        {
            return error!;
        }

        var outRefundNo = PayRules.Str(body, "out_refund_no");
        var transactionId = PayRules.Str(body, "transaction_id");
        var outTradeNo = PayRules.Str(body, "out_trade_no");
        var refundAmount = PayRules.Int(body["amount"], "refund");
        var totalAmount = PayRules.Int(body["amount"], "total");
        var notifyUrl = PayRules.Str(body, "notify_url");
        if (outRefundNo is null)
        {
            return PayRules.Required("/out_refund_no");
        }

        if (!PayRules.OutRefundNo().IsMatch(outRefundNo))
        {
            return PayResults.ParamError("out_refund_no 需为1-64位数字、大小写字母、_-|*@", "/out_refund_no", outRefundNo);
        }

        if (transactionId is null && outTradeNo is null)
        {
            return PayResults.ParamError("transaction_id 与 out_trade_no 必须二选一", "/transaction_id");
        }

        if (refundAmount is null || totalAmount is null || PayRules.Str(body["amount"], "currency") != "CNY")
        {
            return PayResults.ParamError("amount.refund、amount.total（整数，分）与 amount.currency（CNY）为必填项", "/amount");
        }

        if (refundAmount < 1)
        {
            return PayResults.ParamError("退款金额需大于0", "/amount/refund", refundAmount);
        }

        if (PayRules.Str(body, "reason") is { Length: > 80 } reason)
        {
            return PayResults.ParamError("reason 不能超过80个字符", "/reason", reason);
        }

        if (notifyUrl is not null && PayRules.NotifyUrl(notifyUrl, options.Pay.RequireHttpsNotifyUrl, "/notify_url") is { } urlError)
        {
            return urlError;
        }

        var now = clock.GetUtcNow();
        PayRefund refund;
        lock (state.Gate)
        {
            var order = transactionId is not null ? state.OrdersByTransactionId.GetValueOrDefault(transactionId) : state.Orders.GetValueOrDefault(outTradeNo!);
            if (order is null || (transactionId is not null && outTradeNo is not null && order.OutTradeNo != outTradeNo))
            {
                return PayResults.NotFound("RESOURCE_NOT_EXISTS");
            }

            var fingerprint = PayViews.Canonical(body);
            if (state.Refunds.TryGetValue(outRefundNo, out var existing))
            {
                return existing.Fingerprint == fingerprint || (existing.Order == order && existing.Refund == refundAmount)
                    ? PayResults.Signed(200, PayViews.Refund(existing, notification: false))
                    : PayResults.Error(400, "INVALID_REQUEST", "退款单号已存在，且请求参数与首次请求不一致");
            }

            if (order.TradeState is not ("SUCCESS" or "REFUND"))
            {
                return PayResults.Error(400, "INVALID_REQUEST", $"订单状态为{order.TradeState}，未支付的订单不能退款");
            }

            if (totalAmount != order.Total)
            {
                return PayResults.ParamError("amount.total 与原订单金额不一致", "/amount/total", totalAmount);
            }

            if (now - order.SuccessTime > TimeSpan.FromDays(365))
            {
                return PayResults.Error(400, "INVALID_REQUEST", "订单已超过退款期限（1年）");
            }

            if (order.Refunds.Count >= MaxRefundsPerOrder)
            {
                return PayResults.Error(403, "RULE_LIMIT", "部分退款次数超过限制（50次）");
            }

            var alreadyRefunded = order.Refunds.Where(r => r.Status != "CLOSED").Sum(r => r.Refund);
            if (alreadyRefunded + refundAmount > order.Total)
            {
                return PayResults.Error(400, "INVALID_REQUEST", "申请退款金额超过订单可退金额");
            }

            refund = new PayRefund
            {
                RefundId = "50" + SimulatorState.Digits(4) + now.ToOffset(TimeSpan.FromHours(8)).ToString("yyyyMMdd", System.Globalization.CultureInfo.InvariantCulture)
                    + SimulatorState.Digits(15),
                OutRefundNo = outRefundNo, Order = order, Refund = refundAmount.Value,
                PayerRefund = (int)((long)refundAmount.Value * order.PayerTotal / order.Total),
                Reason = PayRules.Str(body, "reason"), NotifyUrl = notifyUrl, Fingerprint = fingerprint, CreatedAt = now,
            };
            order.Refunds.Add(refund);
            state.Refunds[outRefundNo] = refund;
            var view = PayViews.Refund(refund, notification: false);
            lifecycle.ScheduleRefundCompletion(refund);
            return PayResults.Signed(200, view);
        }
    }

    private static IResult Query(string outRefundNo, SimulatorState state)
    {
        lock (state.Gate)
        {
            return state.Refunds.TryGetValue(outRefundNo, out var refund)
                ? PayResults.Signed(200, PayViews.Refund(refund, notification: false))
                : PayResults.NotFound("RESOURCE_NOT_EXISTS");
        }
    }
}
