using System.Data;
using System.Data.Common;
using System.Globalization;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;
using WechatLoyalty.Domain.Common;
using WechatLoyalty.Domain.Data;
using WechatLoyalty.Domain.Members;
using WechatLoyalty.Domain.Points;
using WechatLoyalty.Domain.Programme;
using WechatLoyalty.Domain.Referrals;

namespace WechatLoyalty.Domain.Payments;

/// <summary>
/// Records a successful WeChat Pay transaction exactly once, in ONE transaction: payment row (unique
/// transaction_id), order → Paid, reservation confirmed, points lot and ledger entry, net spend and instant tier
/// upgrade. Notification, reconciliation and POS all come through here.
/// <para>
/// Locks, in the ledger's order: the order row, then the member row. Concurrent deliveries of one transaction queue on
/// the order lock; the loser sees the winner's payment and writes nothing. Without an order (POS) they meet at the
/// unique index. The transaction runs at READ COMMITTED: every statement reads the latest committed rows, so the net
/// spend summed after the member lock includes every payment of the member committed before it (none can commit
/// while we hold the lock), and InnoDB takes no gap locks. Under REPEATABLE READ the ledger's locking look-ups of keys
/// and lots that do not exist yet lock the gaps where concurrent payments insert their entries and lots (new
/// earn:tx: keys all land in the same gap; adjacent members share one), and concurrent notifications deadlocked
/// (bench/PayNotifications: 1 in 20, each costing a rollback and a retry after a back-off of a second or more).
/// </para>
/// </summary>
public sealed class PaymentRecorder(
    LoyaltyDbContext db, ProgrammeRulesStore rulesStore, PaymentEarnings earnings, PointsRedemption redemption, ReferralRewards referrals,
    ProgrammeClock clock, ILogger<PaymentRecorder> logger)
{
    public async Task<PaymentRecordResult> RecordAsync(PaidTransaction paid, string fallbackPreset, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(paid);
        if (string.IsNullOrWhiteSpace(paid.TransactionId) || paid.TransactionId.Length > 32 || paid.TotalFen < 1
            || paid.PayerTotalFen < 0 || paid.PayerTotalFen > paid.TotalFen)
            return PaymentRecordResult.Rejected("malformed transaction");
        try
        {
            return await db.ExecuteAsync(IsolationLevel.ReadCommitted, token => RecordLockedAsync(paid, fallbackPreset, token), ct);
        }
        catch (DbUpdateException ex) when (ex.IsDuplicateKey())
        {
            // A concurrent delivery committed the same transaction_id first; its recording is the answer.
            db.ChangeTracker.Clear();
            return await ExistingAsync(paid.TransactionId, ct) ?? throw new InvalidOperationException("Duplicate key without a payment.", ex);
        }
    }

    private async Task<PaymentRecordResult> RecordLockedAsync(PaidTransaction paid, string fallbackPreset, CancellationToken ct)
    {
        // One round trip: the programme rules (inside the transaction: one connection for the whole notification; READ
        // COMMITTED fixes no snapshot here), the order locked, then — behind that lock, which serialises deliveries of
        // this transaction — whether it was recorded already, so a redelivery stops here, before the member's lock (a
        // POS redelivery without an order meets the unique index instead).
        var (rulesJson, order, existing) = await new SqlBatch()
            .Add(rulesStore.ActiveQuery())
            .Add($"SELECT id, out_trade_no, member_id, identity_id, store_id, charge_fen, redeemed_points, status, transaction_id FROM orders WHERE out_trade_no = {paid.OutTradeNo} FOR UPDATE")
            .Add($"SELECT id, member_id, points_earned FROM payments WHERE transaction_id = {paid.TransactionId}")
            .RunAsync(db, ReadLockedAsync, ct);
        if (order is null && paid.Channel == PaymentChannel.MiniProgram) return PaymentRecordResult.Rejected("out_trade_no is not our order");
        if (order is not null && order.ChargeFen != paid.TotalFen) return PaymentRecordResult.Rejected("amount.total differs from the order");
        if (order?.TransactionId is { } other && other != paid.TransactionId)
            return PaymentRecordResult.Rejected("the order was paid by another transaction");
        if (existing is not null) return existing;
        var rules = ProgrammeRulesStore.FromActive(rulesJson, fallbackPreset);

        var memberId = order?.MemberId ?? paid.MemberId ?? await MemberOfPayerAsync(order?.IdentityId, paid, ct);
        // One lock of the member row and its lots, for the tier and for the credit.
        var member = memberId is { } id ? await earnings.LockMemberAsync(id, ct) : null;
        if (member is null) memberId = null;

        var now = clock.UtcNow.UtcDateTime;
        var payment = new Payment
        {
            TransactionId = paid.TransactionId, OutTradeNo = paid.OutTradeNo, MemberId = memberId, PayerOpenId = paid.PayerOpenId,
            StoreId = order?.StoreId ?? paid.StoreId, Channel = paid.Channel, TotalFen = paid.TotalFen, PayerTotalFen = paid.PayerTotalFen,
            PaidAt = paid.PaidAt, CreatedAt = now,
        };
        // points_earned goes in with the row (no second UPDATE of it).
        if (member is not null) payment.PointsEarned = await earnings.PointsAsync(payment, member.TierCode, rules, ct);
        // Payment row and order → Paid in one round trip (SqlBatch), no savepoint: nothing in the transaction carries on
        // after a failed payment INSERT (a duplicate transaction_id ends it; RecordAsync answers with the recorded payment).
        var write = new SqlBatch().Add($"""
            INSERT INTO payments (transaction_id, out_trade_no, member_id, payer_open_id, store_id, channel, total_fen, payer_total_fen, refunded_fen, points_earned, paid_at, created_at)
            VALUES ({payment.TransactionId}, {payment.OutTradeNo}, {payment.MemberId}, {payment.PayerOpenId}, {payment.StoreId}, {payment.Channel}, {payment.TotalFen}, {payment.PayerTotalFen}, {payment.RefundedFen}, {payment.PointsEarned}, {payment.PaidAt}, {payment.CreatedAt})
            """).Add($"SELECT LAST_INSERT_ID()");
        if (order is not null)
        {
            // Paid wins over any state: money arrived. A Closed order being paid means WeChat let it through; say so.
            if (order.Status == OrderStatus.Closed)
                logger.LogError("Order {OutTradeNo} was paid by {TransactionId} after it was closed", order.OutTradeNo, paid.TransactionId);
            write.Add($"UPDATE orders SET status = {OrderStatus.Paid}, transaction_id = {paid.TransactionId}, paid_at = {paid.PaidAt}, member_id = {memberId} WHERE id = {order.Id}");
        }
        // The member's rolling-year net spend for the instant upgrade, summed after the INSERT so it includes this
        // payment (and, under the member's lock at READ COMMITTED, every earlier one): the same round trip again.
        if (member is not null)
            write.Add($"SELECT COALESCE(SUM(payer_total_fen - refunded_fen), 0) FROM payments WHERE member_id = {member.MemberId} AND paid_at >= {NetSpend.WindowStartUtc(clock)}");
        // And whether the payment concerns a referral (one indexed read; nothing more when it does not).
        var referralQuery = member is null ? null : referrals.AwaitingPurchaseQuery(member.MemberId, payment.PayerTotalFen - payment.RefundedFen);
        if (referralQuery is not null) write.Add(referralQuery);
        long? spend = null;
        ReferralCandidate? referral = null;
        payment.Id = await write.RunAsync(db, async (reader, token) =>
        {
            await reader.ReadAsync(token);
            var id = reader.GetInt64(0);
            if (member is not null && await reader.NextResultAsync(token) && await reader.ReadAsync(token))
                spend = Convert.ToInt64(reader.GetValue(0), CultureInfo.InvariantCulture);
            if (referralQuery is not null && await reader.NextResultAsync(token) && await reader.ReadAsync(token))
                referral = new ReferralCandidate(reader.GetInt64(0), reader.GetInt64(1));
            return id;
        }, ct);
        if (order is not null && order.RedeemedPoints > 0 && order.Status != OrderStatus.Closed) await redemption.ConfirmAsync(order.OutTradeNo, ct);

        long points = 0;
        string? upgradedTo = null;
        if (member is not null) (points, upgradedTo) = await earnings.ApplyAsync(payment, member, rules, ct, payment.PointsEarned, spend);
        await referrals.OnPaymentRecordedAsync(payment, rules, referral, ct);
        logger.LogInformation("Payment {PaymentId} ({TransactionId}, {Channel}) recorded for member {MemberId}: {Points} points, tier {UpgradedTo}",
            payment.Id, paid.TransactionId, paid.Channel, memberId, points, upgradedTo ?? "unchanged");
        return new PaymentRecordResult(PaymentRecordStatus.Recorded, payment.Id, memberId, points, upgradedTo);
    }

    /// <summary>
    /// The member of the payer: the order's identity (it may have joined since ordering) or, without an order, the
    /// identity of the payer's openid. A locking read: it must not change until the payment is recorded.
    /// </summary>
    private async Task<long?> MemberOfPayerAsync(long? orderIdentityId, PaidTransaction paid, CancellationToken ct)
    {
        var identities = orderIdentityId is { } identityId
            ? db.MemberIdentities.FromSqlInterpolated($"SELECT * FROM member_identities WHERE id = {identityId} LOCK IN SHARE MODE")
            : db.MemberIdentities.FromSqlInterpolated(
                $"SELECT * FROM member_identities WHERE app_id = {paid.PayerAppId} AND open_id = {paid.PayerOpenId} LOCK IN SHARE MODE");
        return (await identities.AsNoTracking().ToListAsync(ct)).SingleOrDefault()?.MemberId;
    }

    private static async Task<(string? RulesJson, LockedOrder? Order, PaymentRecordResult? Existing)> ReadLockedAsync(DbDataReader r, CancellationToken ct)
    {
        var rulesJson = await r.ReadAsync(ct) ? r.GetString(0) : null;
        await r.NextResultAsync(ct);
        var order = await r.ReadAsync(ct)
            ? new LockedOrder(r.GetInt64(0), r.GetString(1), NullableLong(r, 2), r.GetInt64(3), NullableLong(r, 4), r.GetInt64(5), r.GetInt64(6),
                Enum.Parse<OrderStatus>(r.GetString(7)), r.IsDBNull(8) ? null : r.GetString(8))
            : null;
        await r.NextResultAsync(ct);
        var existing = await r.ReadAsync(ct)
            ? new PaymentRecordResult(PaymentRecordStatus.Duplicate, r.GetInt64(0), NullableLong(r, 1), r.GetInt64(2), null, null)
            : null;
        return (rulesJson, order, existing);
    }

    private static long? NullableLong(DbDataReader r, int i) => r.IsDBNull(i) ? null : r.GetInt64(i);

    /// <summary>What recording needs of the locked order.</summary>
    private sealed record LockedOrder(
        long Id, string OutTradeNo, long? MemberId, long IdentityId, long? StoreId, long ChargeFen, long RedeemedPoints, OrderStatus Status, string? TransactionId);

    private async Task<PaymentRecordResult?> ExistingAsync(string transactionId, CancellationToken ct) =>
        await db.Payments.AsNoTracking().Where(p => p.TransactionId == transactionId)
            .Select(p => new PaymentRecordResult(PaymentRecordStatus.Duplicate, p.Id, p.MemberId, p.PointsEarned, null, null))
            .SingleOrDefaultAsync(ct);
}
