namespace WechatLoyalty.Wechat.Pay.Transactions;

/// <summary>
/// POST /v3/pay/transactions/jsapi. appid and mchid are filled from options when left empty.
/// https://pay.weixin.qq.com/doc/v3/merchant/4012791856
/// </summary>
public sealed class PayTransactionsJsapiRequest
{
    public string? Appid { get; set; }

    public string? Mchid { get; set; }

    /// <summary>≤127 characters; 4-byte characters (emoji) are stripped before sending.</summary>
    public string Description { get; set; } = string.Empty;

    /// <summary>6–32 of [0-9A-Za-z_-|*], unique per merchant; the idempotency key of the order.</summary>
    public string OutTradeNo { get; set; } = string.Empty;

    /// <summary>RFC 3339.</summary>
    public DateTimeOffset? TimeExpire { get; set; }

    /// <summary>≤128 characters, echoed back in the notification and query.</summary>
    public string? Attach { get; set; }

    /// <summary>Defaults to Wechat:Pay:NotifyUrl.</summary>
    public string? NotifyUrl { get; set; }

    public string? GoodsTag { get; set; }

    public PayAmount Amount { get; set; } = new();

    public PayPayer Payer { get; set; } = new();

    public sealed class PayAmount
    {
        /// <summary>Fen, ≥ 1.</summary>
        public int Total { get; set; }

        public string Currency { get; set; } = "CNY";
    }

    public sealed class PayPayer
    {
        /// <summary>The payer's openid under <see cref="Appid"/> (the mini-program).</summary>
        public string Openid { get; set; } = string.Empty;
    }
}

public sealed class PayTransactionsJsapiResponse
{
    /// <summary>Valid for 2 hours.</summary>
    public string PrepayId { get; set; } = string.Empty;
}
