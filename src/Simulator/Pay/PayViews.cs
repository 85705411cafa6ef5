using System.Text.Json.Nodes;
using WechatLoyalty.Simulator.Hosting;
using WechatLoyalty.Simulator.State;

namespace WechatLoyalty.Simulator.Pay;

/// <summary>The JSON shapes of a transaction (query response and TRANSACTION.SUCCESS resource) and of a refund
/// (query response with <c>status</c>, notification resource with <c>refund_status</c>). Call under the state lock.</summary>
internal static class PayViews
{
    private static readonly Dictionary<string, string> StateDescriptions = new(StringComparer.Ordinal)
    {
        ["SUCCESS"] = "支付成功",
        ["NOTPAY"] = "未支付",
        ["CLOSED"] = "已关闭",
        ["REFUND"] = "转入退款",
    };

    public static Dictionary<string, object?> Transaction(PayOrder order)
    {
        var view = new Dictionary<string, object?>
        {
            ["appid"] = order.AppId,
            ["mchid"] = order.MchId,
            ["out_trade_no"] = order.OutTradeNo,
            ["trade_state"] = order.TradeState,
            ["trade_state_desc"] = StateDescriptions.GetValueOrDefault(order.TradeState, order.TradeState),
        };
        if (order.TransactionId is not null)
        {
            view["transaction_id"] = order.TransactionId;
            view["trade_type"] = order.TradeType;
            view["bank_type"] = "OTHERS";
            view["success_time"] = SimulatorClock.Rfc3339(order.SuccessTime!.Value);
            view["attach"] = order.Attach ?? "";
            view["payer"] = new { openid = order.PayerOpenId };
            view["amount"] = new { total = order.Total, payer_total = order.PayerTotal, currency = "CNY", payer_currency = "CNY" };
            if (order.PayerTotal < order.Total)
            {
                view["promotion_detail"] = new[]
                {
                    new { coupon_id = "SIM" + order.TransactionId[^10..], name = "模拟优惠券", scope = "GLOBAL", type = "CASH",
                        amount = order.Total - order.PayerTotal, currency = "CNY" },
                };
            }
        }
        else
        {
            view["amount"] = new { payer_currency = "CNY", total = order.Total, currency = "CNY" };
            view["payer"] = new { openid = order.PayerOpenId };
        }

        return view;
    }

    public static Dictionary<string, object?> Refund(PayRefund refund, bool notification)
    {
        var order = refund.Order;
        var view = new Dictionary<string, object?>
        {
            ["mchid"] = order.MchId,
            ["refund_id"] = refund.RefundId,
            ["out_refund_no"] = refund.OutRefundNo,
            ["transaction_id"] = order.TransactionId,
            ["out_trade_no"] = order.OutTradeNo,
            ["channel"] = "ORIGINAL",
            ["user_received_account"] = "支付用户零钱",
            ["create_time"] = SimulatorClock.Rfc3339(refund.CreatedAt),
            [notification ? "refund_status" : "status"] = refund.Status,
            ["funds_account"] = "AVAILABLE",
        };
        if (refund.SuccessTime is { } success)
        {
            view["success_time"] = SimulatorClock.Rfc3339(success);
        }

        view["amount"] = notification
            ? new { total = order.Total, refund = refund.Refund, payer_total = order.PayerTotal, payer_refund = refund.PayerRefund }
            : new
            {
                total = order.Total, refund = refund.Refund, from = Array.Empty<object>(), payer_total = order.PayerTotal,
                payer_refund = refund.PayerRefund, settlement_refund = refund.Refund, settlement_total = order.Total,
                discount_refund = refund.Refund - refund.PayerRefund, currency = "CNY", refund_fee = 0,
            };
        if (notification)
        {
            view.Remove("channel");
            view.Remove("create_time");
            view.Remove("funds_account");
        }

        return view;
    }

    /// <summary>Key-order-independent form of a JSON body, for "same out_trade_no with identical parameters".</summary>
    public static string Canonical(JsonNode? node) => node switch
    {
        JsonObject o => "{" + string.Join(",", o.OrderBy(p => p.Key, StringComparer.Ordinal).Select(p => $"\"{p.Key}\":{Canonical(p.Value)}")) + "}",
        JsonArray a => "[" + string.Join(",", a.Select(Canonical)) + "]",
        null => "null",
        _ => node.ToJsonString(),
    };

    public static string? FindNull(JsonNode? node, string path) => node switch
    {
        null => path,
        JsonObject o => o.Select(p => FindNull(p.Value, path + "/" + p.Key)).FirstOrDefault(p => p is not null),
        JsonArray a => a.Select((item, i) => FindNull(item, $"{path}/{i}")).FirstOrDefault(p => p is not null),
        _ => null,
    };
}
