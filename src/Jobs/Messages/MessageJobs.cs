using Hangfire;
using Microsoft.Extensions.Logging;
using WechatLoyalty.Domain.Messaging;

namespace WechatLoyalty.Jobs.Messages;

/// <summary>
/// The message clock. Thin: the domain runs bounded batches and every send is idempotent by (member, kind,
/// occasion), so a job killed mid-way, retried by Hangfire or run twice sends nobody anything twice.
/// </summary>
public sealed class MessageJobs(
    BirthdayMessages birthdays, ExpiryReminders reminders, TierNotices tierNotices, DeliveryReports reports, OaEventProcessor oaEvents,
    ILogger<MessageJobs> logger)
{
    [DisableConcurrentExecution(timeoutInSeconds: 60)]
    [AutomaticRetry(Attempts = 3)]
    public async Task BirthdaysAsync(CancellationToken ct) => await birthdays.RunAsync(ct: ct);

    [DisableConcurrentExecution(timeoutInSeconds: 60)]
    [AutomaticRetry(Attempts = 3)]
    public async Task ExpiryRemindersAsync(CancellationToken ct) => await reminders.RunAsync(ct: ct);

    [DisableConcurrentExecution(timeoutInSeconds: 60)]
    [AutomaticRetry(Attempts = 3)]
    public async Task TierNoticesAsync(CancellationToken ct) => await tierNotices.RunAsync(ct);

    [DisableConcurrentExecution(timeoutInSeconds: 60)]
    [AutomaticRetry(Attempts = 1)]
    public async Task ResumePausedAsync(CancellationToken ct)
    {
        var resumed = await reports.ResumeDueAsync(ct);
        if (resumed > 0) logger.LogInformation("Resumed {Count} paused deliver(ies)", resumed);
    }

    [DisableConcurrentExecution(timeoutInSeconds: 60)]
    [AutomaticRetry(Attempts = 1)]
    public async Task SweepOaEventsAsync(CancellationToken ct)
    {
        var done = await oaEvents.SweepAsync(ct);
        if (done > 0) logger.LogInformation("OA event sweep processed {Count} event(s)", done);
    }
}
