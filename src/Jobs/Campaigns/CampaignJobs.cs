using Hangfire;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using WechatLoyalty.Domain.Campaigns;
using WechatLoyalty.Domain.Common;
using WechatLoyalty.Domain.Data;
using WechatLoyalty.Jobs.Hosting;

namespace WechatLoyalty.Jobs.Campaigns;

/// <summary>
/// Campaign sending in Hangfire. <see cref="SendAsync"/> runs one campaign's fan-out (the domain holds a lease, so
/// two runs of one campaign never overlap) and, when the fan-out must wait (not due, quiet hours, quota), schedules
/// itself for that moment. <see cref="DispatchDueAsync"/>, every minute, is the safety net: it starts any campaign
/// that is due or was left mid-way by a crashed run whose lease has lapsed, so nothing depends on a single
/// scheduled job surviving.
/// </summary>
public sealed class CampaignJobs(
    CampaignFanout fanout, LoyaltyDbContext db, IBackgroundJobClient jobs, ProgrammeClock clock, IOptions<ProgrammeOptions> programme,
    ILogger<CampaignJobs> logger)
{
    [AutomaticRetry(Attempts = 5)]
    public async Task SendAsync(long campaignId, CancellationToken ct)
    {
        var result = await fanout.RunAsync(campaignId, programme.Value.Preset, ct);
        logger.LogInformation("Campaign {CampaignId} run: {State}, {Sent} sent", campaignId, result.State, result.Sent);
        if (result is { State: FanoutState.Waiting, NextRunAt: { } next }) Enqueue(jobs, campaignId, next);
    }

    [DisableConcurrentExecution(timeoutInSeconds: 30)]
    [AutomaticRetry(Attempts = 0)]
    public async Task DispatchDueAsync(CancellationToken ct)
    {
        var now = clock.UtcNow.UtcDateTime;
        var due = await db.Campaigns.AsNoTracking()
            .Where(c => (c.Status == CampaignStatus.Scheduled && c.ScheduledAt <= now) || c.Status == CampaignStatus.Sending)
            .Where(c => (c.NextRunAt == null || c.NextRunAt <= now) && (c.LeaseUntil == null || c.LeaseUntil < now))
            .Select(c => c.Id).ToListAsync(ct);
        foreach (var id in due) Enqueue(jobs, id, null);
        if (due.Count > 0) logger.LogInformation("Campaign dispatcher started {Count} campaign run(s)", due.Count);
    }

    /// <summary>Queues a run now, or at <paramref name="at"/> (UTC) when that is in the future.</summary>
    public static string Enqueue(IBackgroundJobClient jobs, long campaignId, DateTime? at) =>
        at is { } when && when > DateTime.UtcNow
            ? jobs.Schedule<CampaignJobs>(j => j.SendAsync(campaignId, CancellationToken.None), new DateTimeOffset(DateTime.SpecifyKind(when, DateTimeKind.Utc)))
            : jobs.Enqueue<CampaignJobs>(j => j.SendAsync(campaignId, CancellationToken.None));
}
