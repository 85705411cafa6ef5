using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;
using WechatLoyalty.Domain.Common;
using WechatLoyalty.Domain.Data;

namespace WechatLoyalty.Domain.Operations;

/// <summary>
/// Writes <see cref="JobRun"/> rows. Each write is its own statement outside the job's transactions (a run's
/// progress must survive the rollback of the batch that failed), and never throws into the job: losing a progress
/// line must not fail the work it describes.
/// </summary>
public sealed class JobRunLog(LoyaltyDbContext db, ProgrammeClock clock, ILogger<JobRunLog> logger)
{
    public const int RetentionDays = 90;

    public async Task<long> StartAsync(string jobId, string unit, long? total = null, CancellationToken ct = default)
    {
        // Runs are kept for a quarter: enough to compare tonight with last month, small enough to never need care.
        var cutoff = clock.UtcNow.UtcDateTime.AddDays(-RetentionDays);
        await SafelyAsync(0, () => db.JobRuns.Where(r => r.JobId == jobId && r.StartedAt < cutoff).ExecuteDeleteAsync(ct));
        var run = new JobRun { JobId = jobId, Unit = unit, Total = total, StartedAt = clock.UtcNow.UtcDateTime, Status = JobRunStatus.Running };
        db.JobRuns.Add(run);
        await db.SaveChangesAsync(ct);
        db.Entry(run).State = EntityState.Detached;
        return run.Id;
    }

    public Task ProgressAsync(long runId, long processed, long? total = null, CancellationToken ct = default) =>
        SafelyAsync(runId, () => db.JobRuns.Where(r => r.Id == runId).ExecuteUpdateAsync(s => s
            .SetProperty(r => r.Processed, processed)
            .SetProperty(r => r.Total, r => total ?? r.Total), ct));

    public Task SucceededAsync(long runId, long processed, string? summary, CancellationToken ct = default) =>
        SafelyAsync(runId, () => db.JobRuns.Where(r => r.Id == runId).ExecuteUpdateAsync(s => s
            .SetProperty(r => r.Processed, processed)
            .SetProperty(r => r.Summary, Truncate(summary, 512))
            .SetProperty(r => r.Status, JobRunStatus.Succeeded)
            .SetProperty(r => r.FinishedAt, clock.UtcNow.UtcDateTime), ct));

    /// <summary>Not cancellable: a run that failed because it was cancelled must still be recorded as failed.</summary>
    public Task FailedAsync(long runId, Exception error) =>
        SafelyAsync(runId, () => db.JobRuns.Where(r => r.Id == runId).ExecuteUpdateAsync(s => s
            .SetProperty(r => r.Error, Truncate($"{error.GetType().Name}: {error.Message}", 1024))
            .SetProperty(r => r.Status, JobRunStatus.Failed)
            .SetProperty(r => r.FinishedAt, clock.UtcNow.UtcDateTime), CancellationToken.None));

    /// <summary>The latest runs, newest first, optionally of one job.</summary>
    public Task<List<JobRun>> RecentAsync(string? jobId, int take, CancellationToken ct) =>
        db.JobRuns.AsNoTracking()
            .Where(r => jobId == null || r.JobId == jobId)
            .OrderByDescending(r => r.StartedAt).ThenByDescending(r => r.Id).Take(take).ToListAsync(ct);

    private async Task SafelyAsync(long runId, Func<Task<int>> write)
    {
        try
        {
            await write();
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            logger.LogWarning(ex, "Could not record the state of job run {RunId}", runId);
        }
    }

    private static string? Truncate(string? value, int max) => value is null || value.Length <= max ? value : value[..max];
}
