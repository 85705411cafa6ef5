using Hangfire;
using Microsoft.Extensions.Logging;
using WechatLoyalty.Domain.Points;

namespace WechatLoyalty.Jobs.Points;

/// <summary>
/// The points clock. Thin: the domain does the work in bounded, idempotent batches, so a job killed mid-way
/// resumes where it stopped on its next run and a re-run changes nothing. One at a time across all servers.
/// </summary>
public sealed class PointsJobs(PointsMaintenance maintenance, PointsBalanceCheck balances, ILogger<PointsJobs> logger)
{
    [DisableConcurrentExecution(timeoutInSeconds: 60)]
    [AutomaticRetry(Attempts = 3)]
    public async Task ExpireAsync(CancellationToken ct)
    {
        var expired = await maintenance.ExpireAllAsync(ct: ct);
        logger.LogInformation("Points expiry run finished: {Lots} lot(s) expired", expired);
    }

    [DisableConcurrentExecution(timeoutInSeconds: 60)]
    [AutomaticRetry(Attempts = 3)]
    public async Task ReleasePendingAsync(CancellationToken ct)
    {
        var released = await maintenance.ReleaseAllPendingAsync(ct: ct);
        logger.LogInformation("Pending points release finished: {Lots} lot(s) released", released);
    }

    /// <summary>The ledger is the truth; a stored balance that disagrees with it is a bug someone must look at.</summary>
    [DisableConcurrentExecution(timeoutInSeconds: 60)]
    [AutomaticRetry(Attempts = 1)]
    public async Task CheckBalancesAsync(CancellationToken ct)
    {
        var mismatches = await balances.FindAllMismatchesAsync(ct: ct);
        foreach (var m in mismatches)
            logger.LogError("Member {MemberId} balance {Stored} differs from its ledger {Ledger}", m.MemberId, m.PointsBalance, m.LedgerBalance);
        logger.LogInformation("Balance check finished: {Mismatches} mismatch(es)", mismatches.Count);
    }
}
