using WechatLoyalty.Domain.Operations;

namespace WechatLoyalty.Jobs;

/// <summary>What a tracked job reports when it ends: its count (in the run's unit) and one line for people.</summary>
public readonly record struct RunOutcome(long Processed, string Summary);

public static class TrackedRun
{
    /// <summary>
    /// Runs <paramref name="work"/> as a recorded <see cref="JobRun"/>: started, progress (through the callback the
    /// work gets), succeeded with its outcome, or failed with the error, which is rethrown for Hangfire's retries.
    /// </summary>
    public static async Task RunAsync(
        this JobRunLog runs, string jobId, string unit, Func<Func<long, long?, Task>, Task<RunOutcome>> work, CancellationToken ct)
    {
        var runId = await runs.StartAsync(jobId, unit, ct: ct);
        try
        {
            var outcome = await work((processed, total) => runs.ProgressAsync(runId, processed, total, ct));
            await runs.SucceededAsync(runId, outcome.Processed, outcome.Summary, ct);
        }
        catch (Exception ex)
        {
            await runs.FailedAsync(runId, ex);
            throw;
        }
    }
}
