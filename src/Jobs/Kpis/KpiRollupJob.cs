using Hangfire;
using WechatLoyalty.Domain.Kpis.Rollup;
using WechatLoyalty.Domain.Operations;

namespace WechatLoyalty.Jobs.Kpis;

/// <summary>
/// Keeps the KPI panels' member-day rollup current: builds it on the first run, then re-rolls the members whose
/// payments changed. Often (every 10 minutes by default) so the members the panels compute live stay few; a run
/// killed mid-way leaves the watermark where it was and the next run redoes its members.
/// </summary>
public sealed class KpiRollupJob(KpiRollup rollup, JobRunLog runs)
{
    [DisableConcurrentExecution(timeoutInSeconds: 60)]
    [AutomaticRetry(Attempts = 2)]
    public Task RefreshAsync(CancellationToken ct) =>
        runs.RunAsync(RecurringJobIds.RefreshKpiRollup, "members", async progress =>
        {
            var run = await rollup.RefreshAsync(progress, ct);
            return new RunOutcome(run.Members, run.Rebuilt
                ? $"rollup rebuilt: {run.Rows} member-day row(s) for members up to id {run.Members}"
                : $"{run.Members} member(s) with changed payments re-rolled ({run.Rows} row(s))");
        }, ct);
}
