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
    LoyaltyDbContext db, PointsLedger ledger, ReferralRewards referrals, ProgrammeClock clock, ILogger<RefundRecorder> logger)
{
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
        if (payment is null || payment.OutTradeNo != r.OutTradeNo || payment.TotalFen != r.TotalFen)
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
        if (status == RefundStatus.Succeeded) await referrals.OnRefundRecordedAsync(payment.Id, ct);
        await db.Refunds.Where(x => x.Id == row.Id).ExecuteUpdateAsync(s => s
            .SetProperty(x => x.Status, status).SetProperty(x => x.RefundId, r.RefundId)
            .SetProperty(x => x.PayerRefundFen, payerRefund).SetProperty(x => x.CompletedAt, r.At), ct);
        logger.LogInformation("Refund {OutRefundNo} ({RefundId}) of payment {PaymentId}: {Status}", r.OutRefundNo, r.RefundId, payment.Id, status);
        return true;
    }
}
