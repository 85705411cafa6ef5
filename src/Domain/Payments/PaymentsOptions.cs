using System.ComponentModel.DataAnnotations;

namespace WechatLoyalty.Domain.Payments;

/// <summary>Section <c>Payments</c>: timings of orders and their reconciliation.</summary>
public sealed class PaymentsOptions
{
    public const string Section = "Payments";

    /// <summary>An unpaid order's time_expire: after it WeChat Pay refuses payment and we close the order.</summary>
    [Range(5, 7 * 24 * 60, ErrorMessage = "Payments:OrderExpiryMinutes must be 5..10080.")]
    public int OrderExpiryMinutes { get; set; } = 30;

    /// <summary>Orders not notified this long after they were created are queried at WeChat Pay.</summary>
    [Range(0, 24 * 60, ErrorMessage = "Payments:ReconcileAfterMinutes must be 0..1440.")]
    public int ReconcileAfterMinutes { get; set; } = 10;

    /// <summary>Orders queried per batch (each a WeChat call), so one run stays bounded.</summary>
    [Range(1, 1000, ErrorMessage = "Payments:ReconcileBatchSize must be 1..1000.")]
    public int ReconcileBatchSize { get; set; } = 100;

    /// <summary>A payer who joins within this many days of paying gets the payment's points (loyalty-rules §3).</summary>
    [Range(0, 365, ErrorMessage = "Payments:ClaimWindowDays must be 0..365.")]
    public int ClaimWindowDays { get; set; } = 30;
}
