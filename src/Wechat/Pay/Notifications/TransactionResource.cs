namespace WechatLoyalty.Wechat.Pay.Notifications;

/// <summary>
/// A transaction as WeChat Pay describes it: the decrypted TRANSACTION.SUCCESS resource and the order query answer
/// share these fields. https://pay.weixin.qq.com/doc/v3/merchant/4012791861
/// </summary>
public sealed class TransactionResource
{
    public string Mchid { get; set; } = string.Empty;

    public string Appid { get; set; } = string.Empty;

    public string OutTradeNo { get; set; } = string.Empty;

    /// <summary>Absent for orders never paid (query answer for NOTPAY).</summary>
    public string? TransactionId { get; set; }

    public string? TradeType { get; set; }

    /// <summary>SUCCESS, REFUND, NOTPAY, CLOSED, REVOKED, USERPAYING, PAYERROR.</summary>
    public string TradeState { get; set; } = string.Empty;

    public string? TradeStateDesc { get; set; }

    public string? BankType { get; set; }

    public string? Attach { get; set; }

    public DateTimeOffset? SuccessTime { get; set; }

    public TransactionPayer? Payer { get; set; }

    public TransactionAmount? Amount { get; set; }

    public sealed class TransactionPayer
    {
        public string? Openid { get; set; }
    }

    /// <summary>Amounts in fen. payer_total is what the user paid after coupons.</summary>
    public sealed class TransactionAmount
    {
        public int Total { get; set; }

        public int? PayerTotal { get; set; }

        public string? Currency { get; set; }

        public string? PayerCurrency { get; set; }
    }
}

/// <summary>
/// The decrypted REFUND.* resource. The status field is <c>refund_status</c> here but <c>status</c> in the refund
/// query answer, hence a type of its own. https://pay.weixin.qq.com/doc/v3/merchant/4012791865
/// </summary>
public sealed class RefundResource
{
    public string Mchid { get; set; } = string.Empty;

    public string OutTradeNo { get; set; } = string.Empty;

    public string? TransactionId { get; set; }

    public string OutRefundNo { get; set; } = string.Empty;

    public string RefundId { get; set; } = string.Empty;

    /// <summary>SUCCESS, CLOSED, PROCESSING, ABNORMAL.</summary>
    public string RefundStatus { get; set; } = string.Empty;

    public DateTimeOffset? SuccessTime { get; set; }

    public string? UserReceivedAccount { get; set; }

    public RefundNotificationAmount? Amount { get; set; }

    public sealed class RefundNotificationAmount
    {
        public int Total { get; set; }

        public int Refund { get; set; }

        public int? PayerTotal { get; set; }

        public int? PayerRefund { get; set; }
    }
}
