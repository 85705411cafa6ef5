using Microsoft.EntityFrameworkCore;
using WechatLoyalty.Domain.Common;

namespace WechatLoyalty.Domain.Points;

/// <summary>What one maintenance batch did: how many due lots it picked and how many entries it wrote.</summary>
public sealed record MaintenanceBatch(int LotsDue, int EntriesWritten)
{
    /// <summary>The last lot the batch picked (expiry batches only): where the next batch of the same run starts.</summary>
    internal DueCursor? Cursor { get; init; }
}

/// <summary>A position in the due-lot order (expires_at, id).</summary>
internal readonly record struct DueCursor(DateTime ExpiresAt, long LotId);

/// <summary>
/// The jobs' side of the ledger: expiry and pending release, in bounded batches of one transaction each. A batch
/// picks up to N due lots, locks their members (in id order) and settles them, exactly as any ledger operation
/// settles its member first (expiry set-based in SQL, <see cref="ExpirySql"/>; release in memory). So a batch is
/// idempotent (a settled lot is no longer due, and its entry key is unique), a crash loses at most the batch in
/// flight, and a re-run resumes where the last one committed.
/// </summary>
public sealed class PointsMaintenance(LedgerStore store, ProgrammeClock clock)
{
    public const int DefaultBatchSize = 500;

    /// <summary>
    /// Expires every due lot of the members owning the next <paramref name="batchSize"/> due lots, in one transaction:
    /// one Expire entry per member (see <see cref="PointsAccount.Settle"/>), written set-based by <see cref="ExpirySql"/>.
    /// </summary>
    public Task<MaintenanceBatch> ExpireBatchAsync(int batchSize = DefaultBatchSize, CancellationToken ct = default) =>
        ExpireBatchAsync(batchSize, after: null, ct);

    private async Task<MaintenanceBatch> ExpireBatchAsync(int batchSize, DueCursor? after, CancellationToken ct)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(batchSize, 1);
        var now = clock.UtcNow.UtcDateTime;
        var due = store.Db.PointLots.Where(l => l.ExpiredAt == null && l.ExpiresAt <= now);
        // Within one run, lots up to the cursor are settled (their members' due lots all expired), so the next pick
        // starts after it instead of re-walking the index entries the run has already emptied.
        // (The plain >= gives MariaDB a range to seek to in the (expired_at, expires_at) index; the OR alone it cannot use.)
        if (after is { } c)
            due = due.Where(l => l.ExpiresAt >= c.ExpiresAt && (l.ExpiresAt > c.ExpiresAt || (l.ExpiresAt == c.ExpiresAt && l.Id > c.LotId)));
        // Picked without a lock; the members' locks below decide, and a lot settled meanwhile is simply not due any more.
        var picked = await due.OrderBy(l => l.ExpiresAt).ThenBy(l => l.Id).Take(batchSize)
            .Select(l => new { l.MemberId, l.ExpiresAt, l.Id }).ToListAsync(ct);
        if (picked.Count == 0) return new MaintenanceBatch(0, 0);
        var memberIds = picked.Select(p => p.MemberId).Distinct().Order().ToList();
        var entries = await store.InTransactionAsync(async token =>
        {
            var locked = await store.LockMembersOnlyAsync(memberIds, token);
            // A member with a pending release due settles in memory (release before expiry, debt payoff): rare, and
            // exactly the rules every other operation applies. Everyone else's settle is expiry alone: set-based.
            var inMemory = await ExpirySql.WithReleaseDueAsync(store.Db, locked, now, token);
            var written = 0;
            if (inMemory.Count > 0)
            {
                var accounts = await store.LockManyAsync(inMemory, token);
                await store.SaveSettledAsync(accounts, token);
                written += accounts.Sum(a => a.NewEntries.Count(e => e.Kind == PointEntryKind.Expire));
            }
            return written + await ExpirySql.ExpireAsync(store.Db, locked.Except(inMemory).ToList(), now, token);
        }, ct);
        var last = picked[^1];
        return new MaintenanceBatch(picked.Count, entries) { Cursor = new DueCursor(last.ExpiresAt, last.Id) };
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
    public async Task<int> ExpireAllAsync(int batchSize = DefaultBatchSize, Func<int, Task>? progress = null, CancellationToken ct = default)
    {
        DueCursor? cursor = null;
        return await RepeatAsync(async () =>
        {
            var batch = await ExpireBatchAsync(batchSize, cursor, ct);
            cursor = batch.Cursor ?? cursor;
            return batch;
        }, batchSize, progress);
    }

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
