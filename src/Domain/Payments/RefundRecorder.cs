using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;
using WechatLoyalty.Domain.Common;
using WechatLoyalty.Domain.Data;
using WechatLoyalty.Domain.Points;
using WechatLoyalty.Domain.Referrals;

namespace WechatLoyalty.Domain.Payments;

public enum RefundOutcome
{
    Succeeded,
    Closed,
    Abnormal,
}

/// <summary>A REFUND.* event as WeChat Pay reported it. Amounts in fen; <see cref="PayerRefundFen"/> is amount.payer_refund.</summary>
public sealed record RefundCompleted(
    string OutRefundNo, string RefundId, string TransactionId, string OutTradeNo, RefundOutcome Outcome, long AmountFen, long? PayerRefundFen,
    long TotalFen, DateTime At);

/// <summary>
/// Settles a refund from its notification, exactly once by refund_id: a success reverses the refunded share of
/// the payment's points through the ledger (its own lots first, else a debt) and lowers net spend (refunded_fen);
/// closed or abnormal refunds only change status. Returns false for a redelivery (nothing written).
/// </summary>
public sealed class RefundRecorder(
    LoyaltyDbContext db, PointsLedger ledger, PointsRedemption redemption, ReferralRewards referrals, ProgrammeClock clock, ILogger<RefundRecorder> logger)
{
    /// <summary>
    /// The code of the DomainException thrown when the refund's payment is not recorded yet (its notification is
    /// late, or the reconciliation has not found it): nothing is written and the notification must be retried.
    /// </summary>
    public const string PaymentNotRecordedYet = "refund.payment_not_recorded";

    public async Task<bool> RecordAsync(RefundCompleted refund, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(refund);
        try
        {
            return await db.ExecuteAsync(token => RecordLockedAsync(refund, token), ct);
        }
        catch (DbUpdateException ex) when (ex.IsDuplicateKey())
        {
            // A concurrent delivery of the same refund got there first.
            db.ChangeTracker.Clear();
            return false;
        }
    }

    private async Task<bool> RecordLockedAsync(RefundCompleted r, CancellationToken ct)
    {
        var payment = await db.Payments.AsNoTracking().SingleOrDefaultAsync(p => p.TransactionId == r.TransactionId, ct);
        // WeChat delivers notifications in no particular order: a refund can overtake its payment's notification.
        // Refusing it for good would lose it; WeChat retries a failed delivery for a day, by which time the payment's
        // own notification or the reconciliation has recorded the payment.
        if (payment is null)
            throw new DomainException(PaymentNotRecordedYet, "The refunded payment is not recorded yet; deliver the refund again later.",
                DomainErrorKind.Conflict);
        if (payment.OutTradeNo != r.OutTradeNo || payment.TotalFen != r.TotalFen)
            throw new DomainException("refund.unknown_payment", "The refund names no payment of ours.");
        var row = (await db.Refunds.FromSqlInterpolated($"SELECT * FROM refunds WHERE out_refund_no = {r.OutRefundNo} FOR UPDATE")
            .AsNoTracking().ToListAsync(ct)).SingleOrDefault();
        if (row is null)
        {
            // Refunded in the merchant platform, not through us: still ours to account for.
            row = new Refund { OutRefundNo = r.OutRefundNo, PaymentId = payment.Id, AmountFen = r.AmountFen, Status = RefundStatus.Processing, CreatedAt = clock.UtcNow.UtcDateTime };
            db.Refunds.Add(row);
            await db.SaveChangesAsync(ct);
            db.Entry(row).State = EntityState.Detached;
        }
        if (row.PaymentId != payment.Id || row.AmountFen != r.AmountFen)
            throw new DomainException("refund.mismatch", "The refund does not match the one we asked for.");
        if (row.Status is RefundStatus.Succeeded or RefundStatus.Failed) return false;

        var status = r.Outcome switch
        {
            RefundOutcome.Succeeded => RefundStatus.Succeeded,
            RefundOutcome.Closed => RefundStatus.Failed,
            _ => RefundStatus.Abnormal,
        };
        if (status == row.Status) return false;
        // Unrounded share when WeChat omits payer_refund: what the payer got back of what they paid.
        var payerRefund = r.PayerRefundFen ?? r.AmountFen * payment.PayerTotalFen / payment.TotalFen;
        if (status == RefundStatus.Succeeded && payerRefund > 0)
        {
            if (payment.MemberId is not null)
                await ledger.ReverseRefundAsync(new RefundReversal(payment.Id, r.RefundId, payerRefund), ct);
            else
                // No member, no ledger: the payment still remembers the refund for net spend and a later claim.
                await db.Database.ExecuteSqlInterpolatedAsync(
                    $"UPDATE payments SET refunded_fen = refunded_fen + {payerRefund} WHERE id = {payment.Id} AND refunded_fen + {payerRefund} <= payer_total_fen", ct);
        }
        // Points redeemed against the order paid part of it: the refunded share of them goes back to the member.
        if (status == RefundStatus.Succeeded && r.AmountFen > 0)
            await redemption.ReturnForRefundAsync(payment.OutTradeNo, r.RefundId, r.AmountFen, payment.TotalFen, ct);
        if (status == RefundStatus.Succeeded) await referrals.OnRefundRecordedAsync(payment.Id, ct);
        await db.Refunds.Where(x => x.Id == row.Id).ExecuteUpdateAsync(s => s
            .SetProperty(x => x.Status, status).SetProperty(x => x.RefundId, r.RefundId)
            .SetProperty(x => x.PayerRefundFen, payerRefund).SetProperty(x => x.CompletedAt, r.At), ct);
        logger.LogInformation("Refund {OutRefundNo} ({RefundId}) of payment {PaymentId}: {Status}", r.OutRefundNo, r.RefundId, payment.Id, status);
        return true;
    }
}
