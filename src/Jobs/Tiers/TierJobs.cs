using Hangfire;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using WechatLoyalty.Domain.Tiers;
using WechatLoyalty.Jobs.Hosting;

namespace WechatLoyalty.Jobs.Tiers;

/// <summary>The nightly tier recalculation. One run at a time across all servers; a re-run changes nothing.</summary>
public sealed class TierJobs(TierRecalculation recalculation, IOptions<ProgrammeOptions> programme, ILogger<TierJobs> logger)
{
    [DisableConcurrentExecution(timeoutInSeconds: 60)]
    [AutomaticRetry(Attempts = 3)]
    public async Task RecalculateAsync(CancellationToken ct)
    {
        var result = await recalculation.RunAsync(programme.Value.Preset, ct: ct);
        logger.LogInformation("Tier recalculation finished: {Members} members, {Upgraded} upgraded, {Downgraded} downgraded in {Elapsed}",
            result.Members, result.Upgraded, result.Downgraded, result.Elapsed);
    }
}
