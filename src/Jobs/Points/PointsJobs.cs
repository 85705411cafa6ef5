using Hangfire;
using Microsoft.Extensions.Logging;
using WechatLoyalty.Domain.Operations;
using WechatLoyalty.Domain.Points;

namespace WechatLoyalty.Jobs.Points;

/// <summary>
/// The points clock. Thin: the domain does the work in bounded, idempotent batches, so a job killed mid-way
/// resumes where it stopped on its next run and a re-run changes nothing. One at a time across all servers.
/// </summary>
public sealed class PointsJobs(PointsMaintenance maintenance, PointsBalanceCheck balances, JobRunLog runs, ILogger<PointsJobs> logger)
{
    [DisableConcurrentExecution(timeoutInSeconds: 60)]
    [AutomaticRetry(Attempts = 3)]
    public Task ExpireAsync(CancellationToken ct) =>
        runs.RunAsync(RecurringJobIds.ExpirePoints, "entries", async progress =>
        {
            var expired = await maintenance.ExpireAllAsync(progress: n => progress(n, null), ct: ct);
            logger.LogInformation("Points expiry run finished: {Entries} expiry entries written (one per member)", expired);
            return new RunOutcome(expired, $"{expired} member(s) lost expiring points");
        }, ct);

    [DisableConcurrentExecution(timeoutInSeconds: 60)]
    [AutomaticRetry(Attempts = 3)]
    public Task ReleasePendingAsync(CancellationToken ct) =>
        runs.RunAsync(RecurringJobIds.ReleasePendingPoints, "entries", async progress =>
        {
            var released = await maintenance.ReleaseAllPendingAsync(progress: n => progress(n, null), ct: ct);
            logger.LogInformation("Pending points release finished: {Entries} release entries written", released);
            return new RunOutcome(released, $"{released} pending lot(s) released");
        }, ct);

    /// <summary>The ledger is the truth; a stored balance that disagrees with it is a bug someone must look at.</summary>
    [DisableConcurrentExecution(timeoutInSeconds: 60)]
    [AutomaticRetry(Attempts = 1)]
    public Task CheckBalancesAsync(CancellationToken ct) =>
        runs.RunAsync(RecurringJobIds.CheckBalances, "mismatches", async _ =>
        {
            var mismatches = await balances.FindAllMismatchesAsync(ct: ct);
            foreach (var m in mismatches)
                logger.LogError("Member {MemberId} balance {Stored} differs from its ledger {Ledger}", m.MemberId, m.PointsBalance, m.LedgerBalance);
            logger.LogInformation("Balance check finished: {Mismatches} mismatch(es)", mismatches.Count);
            return new RunOutcome(mismatches.Count, mismatches.Count == 0 ? "every balance equals its ledger" : $"{mismatches.Count} member(s) differ from their ledger");
        }, ct);
}
