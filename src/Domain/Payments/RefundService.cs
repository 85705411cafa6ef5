using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;
using WechatLoyalty.Domain.Common;
using WechatLoyalty.Domain.Data;

namespace WechatLoyalty.Domain.Payments;

/// <summary>A refund to ask WeChat Pay for: the refund row and what the request needs.</summary>
public sealed record RefundTicket(long RefundId, string OutRefundNo, string TransactionId, long AmountFen, long PaymentTotalFen, string? Reason, RefundStatus Status);

/// <summary>
/// Refunds before WeChat Pay is asked: the refund row is written first, under the payment's lock, so refunds that
/// together exceed the payment are refused (409) before any call, and a retried request reuses its out_refund_no.
/// The outcome arrives by notification (<see cref="RefundRecorder"/>).
/// </summary>
public sealed class RefundService(LoyaltyDbContext db, ProgrammeClock clock, ILogger<RefundService> logger)
{
    public const int MaxReason = 80;

    /// <param name="requestId">Once per intended refund (a form's hidden field): a retry with it re-sends the same out_refund_no.</param>
    public async Task<RefundTicket> RequestAsync(string outTradeNo, long amountFen, string reason, string actor, Guid requestId, CancellationToken ct)
    {
        if (amountFen < 1) throw new DomainException("refund.amount", "A refund must be at least 1 fen.");
        if (string.IsNullOrWhiteSpace(reason) || reason.Length > MaxReason)
            throw new DomainException("refund.reason", $"A reason (up to {MaxReason} characters) is required.");
        var outRefundNo = "RF" + requestId.ToString("N");
        return await db.ExecuteAsync(async token =>
        {
            var payments = await db.Payments.FromSqlInterpolated($"SELECT * FROM payments WHERE out_trade_no = {outTradeNo} FOR UPDATE")
                .AsNoTracking().ToListAsync(token);
            var payment = payments.Count switch
            {
                0 => throw new DomainException("payment.unknown", "No payment for this order.", DomainErrorKind.NotFound),
                1 => payments[0],
                _ => throw new DomainException("payment.ambiguous", "Several payments carry this order number.", DomainErrorKind.Conflict),
            };
            var refunds = await db.Refunds.AsNoTracking().Where(r => r.PaymentId == payment.Id).ToListAsync(token);
            if (refunds.FirstOrDefault(r => r.OutRefundNo == outRefundNo) is { } again)
            {
                if (again.AmountFen != amountFen) throw new DomainException("refund.request_reused", "This request id was used for another refund.", DomainErrorKind.Conflict);
                return Ticket(again, payment);
            }
            var refunded = refunds.Where(r => Refund.Counts(r.Status)).Sum(r => r.AmountFen);
            if (refunded + amountFen > payment.TotalFen)
                throw new DomainException("refund.exceeds_payment",
                    $"Refunds would exceed the payment: {Fen.Format(payment.TotalFen - refunded)} CNY is left to refund.", DomainErrorKind.Conflict);
            var refund = new Refund
            {
                OutRefundNo = outRefundNo, PaymentId = payment.Id, AmountFen = amountFen, Reason = reason.Trim(), Status = RefundStatus.Requested,
                RequestedBy = actor, CreatedAt = clock.UtcNow.UtcDateTime,
            };
            db.Refunds.Add(refund);
            db.AuditLog.Add(Admin.AuditEntry.Create(actor, Admin.AuditActions.RefundRequest, "payment", payment.Id,
                new { payment.OutTradeNo, RefundedFen = refunded }, new { refund.OutRefundNo, refund.AmountFen, refund.Reason }, refund.CreatedAt));
            await db.SaveChangesAsync(token);
            logger.LogInformation("Refund {OutRefundNo} of {AmountFen} fen requested for payment {PaymentId}", outRefundNo, amountFen, payment.Id);
            return Ticket(refund, payment);
        }, ct);
    }

    /// <summary>WeChat Pay accepted the request (the outcome follows by notification).</summary>
    public Task AcceptedAsync(string outRefundNo, string refundId, CancellationToken ct) =>
        db.Refunds.Where(r => r.OutRefundNo == outRefundNo && r.Status == RefundStatus.Requested)
            .ExecuteUpdateAsync(s => s.SetProperty(r => r.Status, RefundStatus.Processing).SetProperty(r => r.RefundId, refundId), ct);

    /// <summary>WeChat Pay refused the request for good (a 4xx): it no longer counts against the payment.</summary>
    public Task RejectedAsync(string outRefundNo, CancellationToken ct) =>
        db.Refunds.Where(r => r.OutRefundNo == outRefundNo && r.Status == RefundStatus.Requested)
            .ExecuteUpdateAsync(s => s.SetProperty(r => r.Status, RefundStatus.Failed).SetProperty(r => r.CompletedAt, clock.UtcNow.UtcDateTime), ct);

    private static RefundTicket Ticket(Refund refund, Payment payment) =>
        new(refund.Id, refund.OutRefundNo, payment.TransactionId, refund.AmountFen, payment.TotalFen, refund.Reason, refund.Status);
}
