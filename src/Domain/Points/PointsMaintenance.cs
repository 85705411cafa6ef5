using Microsoft.EntityFrameworkCore;
using WechatLoyalty.Domain.Common;

namespace WechatLoyalty.Domain.Points;

/// <summary>What one maintenance batch did: how many due lots it picked and how many entries it wrote.</summary>
public sealed record MaintenanceBatch(int LotsDue, int EntriesWritten);

/// <summary>
/// The jobs' side of the ledger: expiry and pending release, in bounded batches of one transaction each. A batch
/// picks up to N due lots, locks their members (in id order) and settles them, exactly as any ledger operation
/// settles its member first. So a batch is idempotent (a settled lot is no longer due, and its entry key is
/// unique), a crash loses at most the batch in flight, and a re-run resumes where the last one committed.
/// </summary>
public sealed class PointsMaintenance(LedgerStore store, ProgrammeClock clock)
{
    public const int DefaultBatchSize = 500;

    /// <summary>Expires up to <paramref name="batchSize"/> lots past their expiry (one Expire entry per lot with points left).</summary>
    public Task<MaintenanceBatch> ExpireBatchAsync(int batchSize = DefaultBatchSize, CancellationToken ct = default)
    {
        var now = clock.UtcNow.UtcDateTime;
        return SettleAsync(store.Db.PointLots.Where(l => l.ExpiredAt == null && l.ExpiresAt <= now)
            .OrderBy(l => l.ExpiresAt).ThenBy(l => l.Id), batchSize, ct);
    }

    /// <summary>Makes up to <paramref name="batchSize"/> pending lots whose window closed available (PendingRelease entries).</summary>
    public Task<MaintenanceBatch> ReleasePendingBatchAsync(int batchSize = DefaultBatchSize, CancellationToken ct = default)
    {
        var now = clock.UtcNow.UtcDateTime;
        return SettleAsync(store.Db.PointLots.Where(l => l.IsPending && l.PendingUntil <= now)
            .OrderBy(l => l.PendingUntil).ThenBy(l => l.Id), batchSize, ct);
    }

    /// <summary>
    /// Runs batches until none is full; returns the entries written. <paramref name="progress"/>, when given, is
    /// told the running total after each committed batch (the job records it for the engineer on call).
    /// </summary>
    public async Task<int> ExpireAllAsync(int batchSize = DefaultBatchSize, Func<int, Task>? progress = null, CancellationToken ct = default) =>
        await RepeatAsync(() => ExpireBatchAsync(batchSize, ct), batchSize, progress);

    public async Task<int> ReleaseAllPendingAsync(int batchSize = DefaultBatchSize, Func<int, Task>? progress = null, CancellationToken ct = default) =>
        await RepeatAsync(() => ReleasePendingBatchAsync(batchSize, ct), batchSize, progress);

    private static async Task<int> RepeatAsync(Func<Task<MaintenanceBatch>> batch, int batchSize, Func<int, Task>? progress)
    {
        var entries = 0;
        MaintenanceBatch result;
        do
        {
            result = await batch();
            entries += result.EntriesWritten;
            if (progress is not null && result.LotsDue > 0) await progress(entries);
        }
        while (result.LotsDue == batchSize);
        return entries;
    }

    private async Task<MaintenanceBatch> SettleAsync(IQueryable<PointLot> due, int batchSize, CancellationToken ct)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(batchSize, 1);
        // Picked without a lock; the members' locks below decide, and a lot settled meanwhile is simply not due any more.
        var memberIds = await due.Take(batchSize).Select(l => l.MemberId).ToListAsync(ct);
        if (memberIds.Count == 0) return new MaintenanceBatch(0, 0);
        var entries = await store.InTransactionAsync(async token =>
        {
            var accounts = await store.LockManyAsync(memberIds, token);
            await store.SaveSettledAsync(accounts, token);
            return accounts.Sum(a => a.NewEntries.Count);
        }, ct);
        return new MaintenanceBatch(memberIds.Count, entries);
    }
}
