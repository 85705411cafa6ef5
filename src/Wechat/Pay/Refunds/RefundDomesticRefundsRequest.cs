namespace WechatLoyalty.Wechat.Pay.Refunds;

/// <summary>
/// POST /v3/refund/domestic/refunds. Set transaction_id or out_trade_no. Retrying with the SAME out_refund_no is
/// safe; a new number refunds twice. https://pay.weixin.qq.com/doc/v3/merchant/4012791862
/// </summary>
public sealed class RefundDomesticRefundsRequest
{
    public string? TransactionId { get; set; }

    public string? OutTradeNo { get; set; }

    /// <summary>≤64 characters, unique per merchant.</summary>
    public string OutRefundNo { get; set; } = string.Empty;

    public string? Reason { get; set; }

    /// <summary>Defaults to Wechat:Pay:NotifyUrl.</summary>
    public string? NotifyUrl { get; set; }

    public string? FundsAccount { get; set; }

    public RefundAmount Amount { get; set; } = new();

    public sealed class RefundAmount
    {
        /// <summary>Fen to refund.</summary>
        public int Refund { get; set; }

        /// <summary>The original order total, fen.</summary>
        public int Total { get; set; }

        public string Currency { get; set; } = "CNY";
    }
}

/// <summary>
/// The refund as the create and query APIs return it. Note <c>status</c> (the notification calls it refund_status).
/// https://pay.weixin.qq.com/doc/v3/merchant/4012791863
/// </summary>
public sealed class RefundDomesticRefundsResponse
{
    public string RefundId { get; set; } = string.Empty;

    public string OutRefundNo { get; set; } = string.Empty;

    public string? TransactionId { get; set; }

    public string? OutTradeNo { get; set; }

    public string? Channel { get; set; }

    public string? UserReceivedAccount { get; set; }

    public DateTimeOffset? SuccessTime { get; set; }

    public DateTimeOffset? CreateTime { get; set; }

    /// <summary>SUCCESS, CLOSED, PROCESSING, ABNORMAL.</summary>
    public string Status { get; set; } = string.Empty;

    public string? FundsAccount { get; set; }

    public RefundQueryAmount? Amount { get; set; }

    public sealed class RefundQueryAmount
    {
        public int Total { get; set; }

        public int Refund { get; set; }

        public int? PayerTotal { get; set; }

        public int? PayerRefund { get; set; }

        public string? Currency { get; set; }
    }
}
