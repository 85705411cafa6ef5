using System.Net;
using WechatLoyalty.Domain.Common;
using WechatLoyalty.Domain.Payments;
using WechatLoyalty.Wechat.Pay;

namespace WechatLoyalty.Api.Features.Payments;

/// <summary>Closing an unpaid order: at WeChat Pay first (so it can no longer be paid), then here (points back).</summary>
internal static class OrderClosing
{
    public static async Task CloseAtWechatAndHereAsync(WechatPayClient pay, OrderService orders, string outTradeNo, string why, CancellationToken ct)
    {
        try
        {
            await pay.CloseAsync(outTradeNo, ct);
        }
        catch (WechatPayException ex) when (ex.Code == "ORDERPAID")
        {
            // Paid a moment ago: the notification (or the reconciliation) records it; the points stay spent.
            throw new DomainException("order.paid", "The order was just paid.", DomainErrorKind.Conflict);
        }
        catch (WechatPayException ex) when (ex.StatusCode == HttpStatusCode.NotFound || ex.Code == "ORDER_NOT_EXIST")
        {
            // WeChat never took the order (the prepay failed before it got there): nothing to close there.
        }
        await orders.CloseAsync(outTradeNo, why, ct);
    }

    /// <summary>
    /// The prepay failed: the customer never got a prepay_id, so nobody can pay the order even if WeChat Pay took it
    /// and only its answer was lost. Closing there is best effort; the reservation is released here regardless.
    /// </summary>
    public static async Task AbandonAsync(WechatPayClient pay, OrderService orders, string outTradeNo, ILogger logger, CancellationToken ct)
    {
        try
        {
            await pay.CloseAsync(outTradeNo, ct);
        }
        catch (Exception ex) when (ex is WechatPayException or HttpRequestException or TaskCanceledException && !ct.IsCancellationRequested)
        {
            logger.LogInformation("Order {OutTradeNo} not closed at WeChat Pay after a failed prepay: {Error}", outTradeNo, ex.Message);
        }
        await orders.CloseAsync(outTradeNo, "prepay failed", ct);
    }
}
