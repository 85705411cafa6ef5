namespace WechatLoyalty.Domain.Payments;

/// <summary>
/// A WeChat Pay transaction in state SUCCESS, however we learnt of it (notification, reconciliation query, POS
/// query): the one input of <see cref="PaymentRecorder"/>, so every path records a payment the same way. Amounts in
/// fen: <see cref="TotalFen"/> is amount.total, <see cref="PayerTotalFen"/> amount.payer_total (after coupons).
/// <see cref="MemberId"/> and <see cref="StoreId"/> are known up front only in the store (dynamic member code, clerk's store).
/// </summary>
public sealed record PaidTransaction(
    string TransactionId,
    string OutTradeNo,
    string PayerAppId,
    string PayerOpenId,
    long TotalFen,
    long PayerTotalFen,
    DateTime PaidAt,
    PaymentChannel Channel,
    long? MemberId = null,
    long? StoreId = null);

public enum PaymentRecordStatus
{
    /// <summary>Written now: payment, order, points, spend, tier.</summary>
    Recorded,

    /// <summary>This transaction was recorded before (a redelivery, a concurrent duplicate, a late query): nothing written.</summary>
    Duplicate,

    /// <summary>Not a payment of ours as described (unknown order, wrong amount): nothing written.</summary>
    Rejected,
}

/// <summary>What <see cref="PaymentRecorder.RecordAsync"/> did; for a duplicate, what the first recording did.</summary>
public sealed record PaymentRecordResult(
    PaymentRecordStatus Status, long? PaymentId, long? MemberId, long Points, string? UpgradedTo = null, string? RejectReason = null)
{
    internal static PaymentRecordResult Rejected(string reason) => new(PaymentRecordStatus.Rejected, null, null, 0, RejectReason: reason);
}
