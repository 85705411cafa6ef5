using System.Net;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using WechatLoyalty.Domain.Common;
using WechatLoyalty.Domain.Data;
using WechatLoyalty.Domain.Payments;
using WechatLoyalty.Jobs.Hosting;
using WechatLoyalty.Wechat.Pay;
using WechatLoyalty.Wechat.Pay.Notifications;

namespace WechatLoyalty.Jobs.Payments;

/// <summary>
/// Notifications are not guaranteed (wechat-protocol C6): orders still unpaid in our records some minutes after
/// they were created are queried by out_trade_no. Paid ones are recorded through <see cref="PaymentRecorder"/>, the
/// notification's own path (so a notification arriving later is a harmless duplicate); closed ones, and unpaid ones
/// past their time_expire, are closed at WeChat Pay and here, releasing their points. Re-entrant: every order is
/// its own transaction and its own outcome; batches are bounded and keyed by id, so a run always ends.
/// </summary>
public sealed class ReconcilePaymentsJob(
    LoyaltyDbContext db, WechatPayClient pay, PaymentRecorder recorder, OrderService orders, ProgrammeClock clock,
    IOptions<PaymentsOptions> options, IOptions<ProgrammeOptions> programme, Domain.Operations.JobRunLog runs, ILogger<ReconcilePaymentsJob> logger)
{
    private sealed record Pending(long Id, string OutTradeNo, OrderStatus Status, DateTime TimeExpire);

    [Hangfire.DisableConcurrentExecution(timeoutInSeconds: 60)]
    [Hangfire.AutomaticRetry(Attempts = 0)] // the next scheduled run (minutes away) is the retry
    public Task RunAsync(CancellationToken ct) =>
        runs.RunAsync(RecurringJobIds.ReconcilePayments, "orders", _ => ReconcileAllAsync(ct), ct);

    private async Task<RunOutcome> ReconcileAllAsync(CancellationToken ct)
    {
        var settings = options.Value;
        var cutoff = clock.UtcNow.UtcDateTime.AddMinutes(-settings.ReconcileAfterMinutes);
        var preset = programme.Value.Preset;
        long afterId = 0;
        int seen = 0, failed = 0;
        while (!ct.IsCancellationRequested)
        {
            var batch = await db.Orders.AsNoTracking()
                .Where(o => (o.Status == OrderStatus.Created || o.Status == OrderStatus.Prepaid) && o.CreatedAt <= cutoff && o.Id > afterId)
                .OrderBy(o => o.Id).Take(settings.ReconcileBatchSize)
                .Select(o => new Pending(o.Id, o.OutTradeNo, o.Status, o.TimeExpire)).ToListAsync(ct);
            if (batch.Count == 0) break;
            foreach (var order in batch)
            {
                try
                {
                    await ReconcileAsync(order, preset, ct);
                }
                catch (Exception ex) when (ex is WechatPayException or HttpRequestException or DomainException or TaskCanceledException
                    && !ct.IsCancellationRequested)
                {
                    // One order's trouble must not stop the others; it is picked up again next run.
                    failed++;
                    logger.LogWarning(ex, "Reconciling order {OrderId} failed; retried next run", order.Id);
                }
            }
            seen += batch.Count;
            afterId = batch[^1].Id;
        }
        logger.LogInformation("Payment reconciliation looked at {Orders} orders ({Failed} failed)", seen, failed);
        return new RunOutcome(seen, $"{seen} unpaid order(s) looked at, {failed} failed (retried next run)");
    }

    private async Task ReconcileAsync(Pending order, string preset, CancellationToken ct)
    {
        var now = clock.UtcNow.UtcDateTime;
        TransactionResource transaction;
        try
        {
            transaction = await pay.QueryByOutTradeNoAsync(order.OutTradeNo, ct);
        }
        catch (WechatPayException ex) when (ex.StatusCode == HttpStatusCode.NotFound || ex.Code == "ORDER_NOT_EXIST")
        {
            // WeChat never saw it (the prepay failed or never went out): nothing can pay it any more once expired.
            if (order.Status == OrderStatus.Created || now >= order.TimeExpire) await orders.CloseAsync(order.OutTradeNo, "unknown at WeChat Pay", ct);
            return;
        }

        if (WechatPayMapping.ToPaid(transaction, PaymentChannel.MiniProgram, now) is { } paid)
        {
            var result = await recorder.RecordAsync(paid, preset, ct);
            if (result.Status == PaymentRecordStatus.Rejected)
                logger.LogError("Order {OrderId} paid at WeChat Pay but not recordable: {Reason}", order.Id, result.RejectReason);
            else
                logger.LogInformation("Order {OrderId} found paid by reconciliation ({Status}, payment {PaymentId})", order.Id, result.Status, result.PaymentId);
            return;
        }

        switch (transaction.TradeState)
        {
            case "CLOSED" or "REVOKED":
                await orders.CloseAsync(order.OutTradeNo, $"{transaction.TradeState} at WeChat Pay", ct);
                break;
            case "NOTPAY" or "PAYERROR" when now >= order.TimeExpire:
                // Close there first: once closed at WeChat it can no longer be paid, so giving the points back is safe.
                await pay.CloseAsync(order.OutTradeNo, ct);
                await orders.CloseAsync(order.OutTradeNo, "expired unpaid", ct);
                break;
            default:
                // USERPAYING, or NOTPAY within its time: the customer may still pay.
                break;
        }
    }
}
