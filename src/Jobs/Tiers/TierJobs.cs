using Hangfire;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using WechatLoyalty.Domain.Operations;
using WechatLoyalty.Domain.Tiers;
using WechatLoyalty.Jobs.Hosting;

namespace WechatLoyalty.Jobs.Tiers;

/// <summary>The nightly tier recalculation. One run at a time across all servers; a re-run changes nothing.</summary>
public sealed class TierJobs(TierRecalculation recalculation, IOptions<ProgrammeOptions> programme, JobRunLog runs, ILogger<TierJobs> logger)
{
    [DisableConcurrentExecution(timeoutInSeconds: 60)]
    [AutomaticRetry(Attempts = 3)]
    public Task RecalculateAsync(CancellationToken ct) =>
        runs.RunAsync(RecurringJobIds.RecalculateTiers, "members", async progress =>
        {
            // Progress counts members recalculated against the highest member id: an upper bound of the total.
            var result = await recalculation.RunAsync(programme.Value.Preset, progress: (done, maxId) => progress(done, maxId), ct: ct);
            logger.LogInformation("Tier recalculation finished: {Members} members, {Upgraded} upgraded, {Downgraded} downgraded in {Elapsed}",
                result.Members, result.Upgraded, result.Downgraded, result.Elapsed);
            return new RunOutcome(result.Members, $"{result.Upgraded} upgraded, {result.Downgraded} downgraded in {result.Elapsed.TotalSeconds:0.0} s");
        }, ct);
}
