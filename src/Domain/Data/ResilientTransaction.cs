using System.Data;
using Microsoft.EntityFrameworkCore;

namespace WechatLoyalty.Domain.Data;

/// <summary>
/// Runs work in one database transaction under the retrying execution strategy (eShop's ResilientTransaction):
/// with retries enabled a bare BeginTransaction throws, and a retry must replay the whole unit, not half of it.
/// </summary>
public static class ResilientTransaction
{
    public static Task<T> ExecuteAsync<T>(this LoyaltyDbContext db, Func<CancellationToken, Task<T>> work, CancellationToken ct = default) =>
        db.ExecuteAsync(IsolationLevel.RepeatableRead, work, ct);

    public static Task<T> ExecuteAsync<T>(this LoyaltyDbContext db, IsolationLevel isolation, Func<CancellationToken, Task<T>> work, CancellationToken ct = default)
    {
        var strategy = db.Database.CreateExecutionStrategy();
        return strategy.ExecuteAsync(async token =>
        {
            db.ChangeTracker.Clear();
            // EF's automatic savepoints stay on: the ledger relies on a failed SaveChanges (a duplicate idempotency
            // key) being rolled back to its savepoint while the surrounding transaction carries on.
            await using var tx = await db.Database.BeginTransactionAsync(isolation, token);
            var result = await work(token);
            await tx.CommitAsync(token);
            return result;
        }, ct);
    }
}
