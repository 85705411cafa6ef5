using Hangfire;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using StackExchange.Redis;
using WechatLoyalty.Domain.Common;
using WechatLoyalty.Jobs.Campaigns;
using WechatLoyalty.Jobs.Kpis;
using WechatLoyalty.Jobs.Messages;
using WechatLoyalty.Jobs.Payments;
using WechatLoyalty.Jobs.Points;
using WechatLoyalty.Jobs.Referrals;
using WechatLoyalty.Jobs.Tiers;

namespace WechatLoyalty.Jobs;

/// <summary>
/// Registers the recurring jobs from <c>Jobs:Recurring</c> (falling back to the defaults), in the programme time
/// zone. AddOrUpdate is idempotent, so every process may do it; an empty cron removes the job. In the background
/// and retried: with Redis down the API still starts and serves, and the schedule is written when Redis is back.
/// </summary>
internal sealed class RecurringJobsScheduler(
    IRecurringJobManager recurring, IOptions<JobsOptions> options, ProgrammeClock clock, ILogger<RecurringJobsScheduler> logger)
    : BackgroundService
{
    private static readonly TimeSpan RetryEvery = TimeSpan.FromSeconds(15);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                ScheduleAll();
                return;
            }
            catch (RedisException ex)
            {
                logger.LogWarning(ex, "Could not write the recurring job schedule (Redis unavailable); retrying in {Delay}", RetryEvery);
            }
            await Task.Delay(RetryEvery, stoppingToken);
        }
    }

    internal void ScheduleAll()
    {
        var scheduled = new List<string>();
        void Add<T>(string id, System.Linq.Expressions.Expression<Func<T, Task>> job)
        {
            if (Schedule(id, job)) scheduled.Add(id);
        }

        Add<PointsJobs>(RecurringJobIds.ExpirePoints, j => j.ExpireAsync(CancellationToken.None));
        Add<PointsJobs>(RecurringJobIds.ReleasePendingPoints, j => j.ReleasePendingAsync(CancellationToken.None));
        Add<PointsJobs>(RecurringJobIds.CheckBalances, j => j.CheckBalancesAsync(CancellationToken.None));
        Add<TierJobs>(RecurringJobIds.RecalculateTiers, j => j.RecalculateAsync(CancellationToken.None));
        Add<ReconcilePaymentsJob>(RecurringJobIds.ReconcilePayments, j => j.RunAsync(CancellationToken.None));
        Add<ReferralJobs>(RecurringJobIds.ReleaseReferralRewards, j => j.ReleaseRewardsAsync(CancellationToken.None));
        Add<CampaignJobs>(RecurringJobIds.DispatchCampaigns, j => j.DispatchDueAsync(CancellationToken.None));
        Add<MessageJobs>(RecurringJobIds.Birthdays, j => j.BirthdaysAsync(CancellationToken.None));
        Add<MessageJobs>(RecurringJobIds.ExpiryReminders, j => j.ExpiryRemindersAsync(CancellationToken.None));
        Add<MessageJobs>(RecurringJobIds.TierNotices, j => j.TierNoticesAsync(CancellationToken.None));
        Add<MessageJobs>(RecurringJobIds.ResumePausedMessages, j => j.ResumePausedAsync(CancellationToken.None));
        Add<MessageJobs>(RecurringJobIds.SweepOaEvents, j => j.SweepOaEventsAsync(CancellationToken.None));
        Add<KpiRollupJob>(RecurringJobIds.RefreshKpiRollup, j => j.RefreshAsync(CancellationToken.None));
        if (!options.Value.TriggerOnStart) return;
        foreach (var id in scheduled) recurring.Trigger(id);
        logger.LogInformation("Triggered {Count} recurring job(s) once at start-up", scheduled.Count);
    }

    /// <summary>Registers (or removes) one recurring job; true when it is scheduled.</summary>
    private bool Schedule<T>(string id, System.Linq.Expressions.Expression<Func<T, Task>> job)
    {
        var cron = options.Value.Recurring.TryGetValue(id, out var configured) ? configured : RecurringJobIds.DefaultCron[id];
        if (string.IsNullOrWhiteSpace(cron))
        {
            recurring.RemoveIfExists(id);
            logger.LogInformation("Recurring job {JobId} disabled by configuration", id);
            return false;
        }
        recurring.AddOrUpdate(id, job, cron, new RecurringJobOptions { TimeZone = clock.Zone });
        return true;
    }
}
