using WechatLoyalty.Domain.Payments;
using WechatLoyalty.Wechat.Pay.Notifications;

namespace WechatLoyalty.Jobs.Payments;

/// <summary>
/// WeChat Pay's view of a transaction (notification resource or query answer) as the Domain's
/// <see cref="PaidTransaction"/>, so the Domain never sees WeChat types. Shared by the notification endpoint, the
/// POS endpoint and the reconciliation.
/// </summary>
public static class WechatPayMapping
{
    public const string Success = "SUCCESS";

    /// <summary>The paid transaction, or null when WeChat Pay does not say it was paid (or leaves out what we need).</summary>
    public static PaidTransaction? ToPaid(TransactionResource t, PaymentChannel channel, DateTime now, long? memberId = null, long? storeId = null)
    {
        ArgumentNullException.ThrowIfNull(t);
        // REFUND: paid, then (partly) refunded; the payment itself still happened.
        if (t.TradeState is not (Success or "REFUND") || string.IsNullOrEmpty(t.TransactionId) || t.Amount is null
            || string.IsNullOrEmpty(t.Payer?.Openid))
            return null;
        return new PaidTransaction(t.TransactionId, t.OutTradeNo, t.Appid, t.Payer.Openid, t.Amount.Total, t.Amount.PayerTotal ?? t.Amount.Total,
            t.SuccessTime?.UtcDateTime ?? now, channel, memberId, storeId);
    }

    /// <summary>A REFUND.* resource as the Domain's <see cref="RefundCompleted"/>, or null for a status that settles nothing yet.</summary>
    public static RefundCompleted? ToCompleted(RefundResource r, DateTime now)
    {
        ArgumentNullException.ThrowIfNull(r);
        RefundOutcome? outcome = r.RefundStatus switch
        {
            Success => RefundOutcome.Succeeded,
            "CLOSED" => RefundOutcome.Closed,
            "ABNORMAL" => RefundOutcome.Abnormal,
            _ => null,
        };
        if (outcome is null || r.Amount is null || string.IsNullOrEmpty(r.TransactionId) || string.IsNullOrEmpty(r.RefundId)) return null;
        return new RefundCompleted(r.OutRefundNo, r.RefundId, r.TransactionId, r.OutTradeNo, outcome.Value, r.Amount.Refund, r.Amount.PayerRefund,
            r.Amount.Total, r.SuccessTime?.UtcDateTime ?? now);
    }
}
