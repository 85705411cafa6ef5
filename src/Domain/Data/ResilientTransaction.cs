using Microsoft.EntityFrameworkCore;

namespace WechatLoyalty.Domain.Data;

/// <summary>
/// Runs work in one database transaction under the retrying execution strategy (eShop's ResilientTransaction):
/// with retries enabled a bare BeginTransaction throws, and a retry must replay the whole unit, not half of it.
/// </summary>
public static class ResilientTransaction
{
    public static Task<T> ExecuteAsync<T>(this LoyaltyDbContext db, Func<CancellationToken, Task<T>> work, CancellationToken ct = default)
    {
        var strategy = db.Database.CreateExecutionStrategy();
        return strategy.ExecuteAsync(async token =>
        {
            db.ChangeTracker.Clear();
            await using var tx = await db.Database.BeginTransactionAsync(token);
            var result = await work(token);
            await tx.CommitAsync(token);
            return result;
        }, ct);
    }
}
