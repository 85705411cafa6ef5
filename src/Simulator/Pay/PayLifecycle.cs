using System.Globalization;
using WechatLoyalty.Simulator.Hosting;
using WechatLoyalty.Simulator.State;

namespace WechatLoyalty.Simulator.Pay;

/// <summary>What happens on WeChat's side after the API calls: the user pays (→ TRANSACTION.SUCCESS), a POS takes a
/// payment, a refund completes (→ REFUND.SUCCESS).</summary>
public sealed class PayLifecycle(SimulatorState state, SimulatorOptions options, SimulatorClock clock, NotificationDispatcher dispatcher,
    IHostApplicationLifetime lifetime)
{
    /// <summary>The user confirms the payment of a prepay_id (or out_trade_no). payerTotal below total simulates a coupon.</summary>
    public PayOutcome Pay(string prepayIdOrOutTradeNo, int? payerTotal)
    {
        var now = clock.GetUtcNow();
        Dictionary<string, object?> resource;
        PayOrder order;
        lock (state.Gate)
        {
            if (!state.OrdersByPrepayId.TryGetValue(prepayIdOrOutTradeNo, out order!) && !state.Orders.TryGetValue(prepayIdOrOutTradeNo, out order!))
            {
                return PayOutcome.Fail(404, "no such prepay_id or out_trade_no");
            }

            TransactionEndpoints.Refresh(order, now);
            if (order.TradeState != "NOTPAY")
            {
                return PayOutcome.Fail(409, $"order is {order.TradeState}");
            }

            if (state.OrdersByPrepayId.ContainsKey(prepayIdOrOutTradeNo)
                && (order.PrepayId != prepayIdOrOutTradeNo || now - order.PrepayIssuedAt >= TransactionEndpoints.PrepayLifetime))
            {
                return PayOutcome.Fail(409, "prepay_id expired (valid for 2 hours)");
            }

            if (payerTotal is { } paid && (paid < 1 || paid > order.Total))
            {
                return PayOutcome.Fail(400, "payer_total must be between 1 and the order total");
            }

            Complete(order, payerTotal ?? order.Total, now);
            resource = PayViews.Transaction(order);
        }

        var notification = order.NotifyUrl is null ? null
            : dispatcher.Enqueue("TRANSACTION.SUCCESS", "支付成功", "transaction", order.NotifyUrl, order.OutTradeNo, resource);
        return new PayOutcome(200, null, order, notification?.Id);
    }

    /// <summary>A payment taken by a POS (no notify_url of ours): only query-by-transaction-id finds it.</summary>
    public PayOutcome InStore(SimUser payer, string appId, int total, string description, string? outTradeNo)
    {
        var now = clock.GetUtcNow();
        lock (state.Gate)
        {
            outTradeNo ??= "POS" + now.ToOffset(TimeSpan.FromHours(8)).ToString("yyyyMMddHHmmss", CultureInfo.InvariantCulture) + SimulatorState.Digits(6);
            if (state.Orders.ContainsKey(outTradeNo))
            {
                return PayOutcome.Fail(409, "out_trade_no already used");
            }

            var order = new PayOrder
            {
                AppId = appId, MchId = options.Pay.MchId, OutTradeNo = outTradeNo, Description = description, Total = total,
                PayerOpenId = appId == options.MiniProgram.AppId ? payer.MiniOpenId : payer.OaOpenId, TradeType = "MICROPAY", CreatedAt = now,
            };
            state.Orders[outTradeNo] = order;
            Complete(order, total, now);
            return new PayOutcome(200, null, order, null);
        }
    }

    public void ScheduleRefundCompletion(PayRefund refund) => _ = Task.Run(async () =>
    {
        try
        {
            await Task.Delay(TimeSpan.FromSeconds(options.Pay.RefundCompletionSeconds * options.NotificationTimeScale), lifetime.ApplicationStopping);
        }
        catch (OperationCanceledException)
        {
            return;
        }

        Dictionary<string, object?> resource;
        string? notifyUrl;
        lock (state.Gate)
        {
            if (refund.Status != "PROCESSING")
            {
                return;
            }

            refund.Status = "SUCCESS";
            refund.SuccessTime = clock.GetUtcNow();
            refund.Order.TradeState = "REFUND";
            resource = PayViews.Refund(refund, notification: true);
            notifyUrl = refund.NotifyUrl ?? refund.Order.NotifyUrl;
        }

        if (notifyUrl is not null)
        {
            dispatcher.Enqueue("REFUND.SUCCESS", "退款成功", "refund", notifyUrl, refund.OutRefundNo, resource);
        }
    });

    private void Complete(PayOrder order, int payerTotal, DateTimeOffset now)
    {
        order.TradeState = "SUCCESS";
        order.PayerTotal = payerTotal;
        order.SuccessTime = now;
        order.TransactionId = "4200" + SimulatorState.Digits(4) + now.ToOffset(TimeSpan.FromHours(8)).ToString("yyyyMMdd", CultureInfo.InvariantCulture)
            + SimulatorState.Digits(12);
        state.OrdersByTransactionId[order.TransactionId] = order;
    }
}

public sealed record PayOutcome(int Status, string? Error, PayOrder? Order, string? NotificationId)
{
    public static PayOutcome Fail(int status, string error) => new(status, error, null, null);
}
