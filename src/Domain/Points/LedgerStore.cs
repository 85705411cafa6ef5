using System.Data.Common;
using System.Runtime.CompilerServices;
using Microsoft.EntityFrameworkCore;
using WechatLoyalty.Domain.Common;
using WechatLoyalty.Domain.Data;
using WechatLoyalty.Domain.Members;

namespace WechatLoyalty.Domain.Points;

/// <summary>
/// Loads and saves <see cref="PointsAccount"/>s for the ledger's services; not for other callers.
/// <para>
/// Locking: every operation first locks the member row (SELECT ... FOR UPDATE), so operations on one member run
/// one after the other. Batches lock their members in id order, so two batches cannot deadlock on each other.
/// Every read after that is a locking read too: a locking read sees the latest committed row, whatever snapshot
/// the transaction holds (REPEATABLE READ), so a caller that read something earlier in its own transaction cannot
/// make the ledger work from stale lots. Reads are untracked and writes explicit, so an entity the caller already
/// tracks (its Member, say) is neither used stale nor overwritten.
/// </para>
/// </summary>
public sealed class LedgerStore(LoyaltyDbContext db, ProgrammeClock clock)
{
    public LoyaltyDbContext Db => db;

    /// <summary>
    /// Runs <paramref name="work"/> in the caller's transaction when there is one (so a payment, its lot and its
    /// entry commit together), else in a transaction of its own under the retrying strategy.
    /// </summary>
    public Task<T> InTransactionAsync<T>(Func<CancellationToken, Task<T>> work, CancellationToken ct) =>
        db.Database.CurrentTransaction is null ? db.ExecuteAsync(work, ct) : work(ct);

    /// <summary>
    /// An operation keyed by <paramref name="key"/>. The work checks the key under the member lock; should two
    /// writers still meet at the unique index (same key, different members), the loser reports the winner's entry.
    /// <paramref name="verify"/> rejects a replay that does not match the request (the key reused for something else).
    /// </summary>
    public async Task<LedgerResult> RunAsync(
        string key, Action<PointEntry> verify, Func<CancellationToken, Task<(PointEntry Entry, bool Replayed)>> work, CancellationToken ct)
    {
        try
        {
            var (entry, replayed) = await InTransactionAsync(work, ct);
            return LedgerResult.From(entry, replayed);
        }
        catch (DbUpdateException ex) when (ex.IsDuplicateKey())
        {
            // EF rolled the failed SaveChanges back (to its savepoint, inside a caller's transaction); forget what it added.
            foreach (var added in db.ChangeTracker.Entries().Where(e => e.State == EntityState.Added).ToList())
                added.State = EntityState.Detached;
            var existing = await FindAsync(key, ct);
            if (existing is null) throw;
            verify(existing);
            return LedgerResult.From(existing, replayed: true);
        }
    }

    /// <summary>The entry recorded under <paramref name="key"/>, read with a lock so it is the committed truth.</summary>
    public async Task<PointEntry?> FindAsync(string key, CancellationToken ct) =>
        (await db.PointEntries.FromSqlInterpolated($"SELECT * FROM point_entries WHERE idempotency_key = {key} FOR UPDATE")
            .AsNoTracking().ToListAsync(ct)).SingleOrDefault();

    /// <summary>Locks the member and its movable lots, and settles what is due (pending release, expiry).</summary>
    public async Task<PointsAccount> LockAsync(long memberId, CancellationToken ct) =>
        (await LockManyAsync([memberId], ct)).SingleOrDefault()
        ?? throw new DomainException("member.unknown", "No such member.", DomainErrorKind.NotFound);

    public async Task<IReadOnlyList<PointsAccount>> LockManyAsync(IEnumerable<long> memberIds, CancellationToken ct) =>
        (await LockMembersAsync(memberIds, ct)).Select(x => x.Account).ToList();

    /// <summary>
    /// Locks one member and its movable lots like <see cref="LockAsync"/>, in one round trip (the payment
    /// notification's path), and returns what a credit needs to know of the member too, so a caller that needs both
    /// (the payment recorder: the tier, then a credit) locks the member once, not twice. Null when there is no such member.
    /// </summary>
    public async Task<LockedMember?> LockMemberAsync(long memberId, CancellationToken ct)
    {
        var batch = new SqlBatch()
            .Add($"SELECT id, tier_code, points_balance, pending_points, deleted_at FROM members WHERE id = {memberId} FOR UPDATE")
            .Add(FormattableStringFactory.Create(
                "SELECT " + LotColumns + " FROM point_lots WHERE member_id = {0} AND (expired_at IS NULL OR is_pending) FOR UPDATE", memberId));
        var locked = await batch.RunAsync(db, async (reader, token) =>
        {
            if (!await reader.ReadAsync(token)) return null;
            var (tier, balance, pending, deletedAt) = (reader.GetString(1), reader.GetInt64(2), reader.GetInt64(3), Utc(reader, 4));
            await reader.NextResultAsync(token);
            var lots = new List<PointLot>();
            while (await reader.ReadAsync(token)) lots.Add(ReadLot(reader));
            return new { tier, balance, pending, deletedAt, lots };
        }, ct);
        if (locked is null) return null;
        var account = new PointsAccount(memberId, locked.balance, locked.pending, locked.lots, clock.UtcNow.UtcDateTime);
        account.Settle();
        return new LockedMember(memberId, locked.tier, locked.deletedAt, account);
    }

    /// <summary>The lot columns <see cref="ReadLot"/> reads, in its order.</summary>
    private const string LotColumns = "id, member_id, source, amount, remaining, earned_at, expires_at, pending_until, is_pending, payment_id, expired_at";

    private static PointLot ReadLot(DbDataReader r) => new()
    {
        Id = r.GetInt64(0), MemberId = r.GetInt64(1), Source = Enum.Parse<PointSource>(r.GetString(2)), Amount = r.GetInt64(3),
        Remaining = r.GetInt64(4), EarnedAt = Utc(r, 5)!.Value, ExpiresAt = Utc(r, 6)!.Value, PendingUntil = Utc(r, 7),
        IsPending = r.GetBoolean(8), PaymentId = r.IsDBNull(9) ? null : r.GetInt64(9), ExpiredAt = Utc(r, 10),
    };

    /// <summary>Stored times are UTC (EF's UtcDateTimeConverter reads them the same way).</summary>
    private static DateTime? Utc(DbDataReader r, int i) => r.IsDBNull(i) ? null : DateTime.SpecifyKind(r.GetDateTime(i), DateTimeKind.Utc);

    /// <summary>
    /// Locks the member rows alone (in id order, like <see cref="LockManyAsync"/>) for work that then changes their
    /// lots set-based in SQL; returns the ids that exist.
    /// </summary>
    public async Task<List<long>> LockMembersOnlyAsync(IReadOnlyCollection<long> memberIds, CancellationToken ct)
    {
        if (memberIds.Count == 0) return [];
        // Only long ids are inlined. One text per batch size is no compilation cost: SqlQueryRaw of a scalar.
        var sql = "SELECT id AS Value FROM members WHERE id IN (" +
            string.Join(",", memberIds.Distinct().Order().Select(id => id.ToString(System.Globalization.CultureInfo.InvariantCulture))) +
            ") ORDER BY id FOR UPDATE";
        return await db.Database.SqlQueryRaw<long>(sql).ToListAsync(ct);
    }

    private async Task<IReadOnlyList<(Member Member, PointsAccount Account)>> LockMembersAsync(IEnumerable<long> memberIds, CancellationToken ct)
    {
        // The ids are parameters, not inlined: EF compiles (and caches) one query per SQL text, so inlined ids made
        // every member a new compilation on the payment path (bench/PayNotifications measured ~30 ms of CPU each).
        // Now the text depends only on how many ids there are. MariaDB takes the row locks in id order.
        var ids = memberIds.Distinct().Order().Select(id => (object)id).ToArray();
        if (ids.Length == 0) return [];
        var placeholders = string.Join(",", Enumerable.Range(0, ids.Length).Select(i => "{" + i + "}"));
        var lockMembers = "SELECT * FROM members WHERE id IN (" + placeholders + ") ORDER BY id FOR UPDATE";
        var members = await db.Members.FromSqlRaw(lockMembers, ids).AsNoTracking().ToListAsync(ct);
        // Movable lots: not yet expired, or still pending (an expired pending lot still has its release to record).
        var lockLots = "SELECT * FROM point_lots WHERE member_id IN (" + placeholders + ") AND (expired_at IS NULL OR is_pending) FOR UPDATE";
        var lots = await db.PointLots.FromSqlRaw(lockLots, ids).AsNoTracking().ToListAsync(ct);
        var now = clock.UtcNow.UtcDateTime;
        var byMember = lots.ToLookup(l => l.MemberId);
        return members.Select(m =>
        {
            var account = new PointsAccount(m.Id, m.PointsBalance, m.PendingPoints, byMember[m.Id], now);
            account.Settle();
            return (m, account);
        }).ToList();
    }

    /// <summary>Writes new lots and entries, the changed columns of existing lots, and the members' balances.</summary>
    public async Task SaveAsync(IReadOnlyCollection<PointsAccount> accounts, CancellationToken ct)
    {
        foreach (var account in accounts)
        {
            db.PointLots.AddRange(account.NewLots);
            db.PointEntries.AddRange(account.NewEntries);
        }
        await db.SaveChangesAsync(ct);

        await UpdateLotsAsync(accounts, ct);
        foreach (var account in accounts.Where(a => a.NewEntries.Count > 0))
        {
            await db.Database.ExecuteSqlInterpolatedAsync(
                $"UPDATE members SET points_balance = {account.Balance}, pending_points = {account.Pending} WHERE id = {account.MemberId}", ct);
        }
    }

    /// <summary>
    /// Writes a credit into an account locked earlier in this transaction (the payment's lot and entry, and what
    /// settling found) in ONE round trip, where <see cref="SaveAsync"/> takes six (savepoint, lot, entry, release,
    /// balance, with EF). Same rows, same order, same savepoint: should the entry's key exist already, everything the
    /// credit wrote is rolled back to the savepoint and the duplicate surfaces as <see cref="SaveAsync"/>'s does (a
    /// <see cref="DbUpdateException"/>), for <see cref="RunAsync"/> to answer with the existing entry. The credit's
    /// entry and lot get their ids; entries from settling do not (nothing reads them back).
    /// </summary>
    public async Task SaveCreditAsync(PointsAccount account, PointEntry credit, CancellationToken ct)
    {
        if (account.NewLots is not [var lot] || credit.Lot != lot || account.NewEntries[^1] != credit
            || account.NewEntries.Take(account.NewEntries.Count - 1).Any(e => e.Lot is not null))
        {
            await SaveAsync([account], ct); // not the shape of a credit: the general path
            return;
        }
        var batch = new SqlBatch().Add($"SAVEPOINT ledger_credit");
        foreach (var e in account.NewEntries.Take(account.NewEntries.Count - 1)) AddEntry(batch, e, lotJustInserted: false);
        foreach (var (sql, values) in LotUpdates([account])) batch.Add(FormattableStringFactory.Create(sql, values));
        batch.Add($"""
            INSERT INTO point_lots (member_id, source, amount, remaining, earned_at, expires_at, pending_until, is_pending, payment_id, expired_at)
            VALUES ({lot.MemberId}, {lot.Source}, {lot.Amount}, {lot.Remaining}, {lot.EarnedAt}, {lot.ExpiresAt}, {lot.PendingUntil}, {lot.IsPending}, {lot.PaymentId}, {lot.ExpiredAt})
            """);
        AddEntry(batch, credit, lotJustInserted: true);
        batch.Add($"UPDATE members SET points_balance = {account.Balance}, pending_points = {account.Pending} WHERE id = {account.MemberId}");
        batch.Add($"SELECT id, lot_id FROM point_entries WHERE id = LAST_INSERT_ID()");
        batch.Add($"RELEASE SAVEPOINT ledger_credit");
        try
        {
            (credit.Id, lot.Id) = await batch.RunAsync(db, async (reader, token) =>
            {
                await reader.ReadAsync(token);
                return (reader.GetInt64(0), reader.GetInt64(1));
            }, ct);
        }
        catch (DbUpdateException ex) when (ex.IsDuplicateKey())
        {
            await db.Database.ExecuteSqlRawAsync("ROLLBACK TO SAVEPOINT ledger_credit", ct);
            throw;
        }
        credit.LotId = lot.Id;
    }

    /// <summary>An entry's INSERT; the credit's entry takes the id of the lot inserted by the statement before it.</summary>
    private static void AddEntry(SqlBatch batch, PointEntry e, bool lotJustInserted) =>
        batch.Add(FormattableStringFactory.Create(
            "INSERT INTO point_entries (member_id, kind, delta, pending_delta, balance_after, lot_id, payment_id, idempotency_key, reason, actor, created_at) " +
            "VALUES ({0}, {1}, {2}, {3}, {4}, " + (lotJustInserted ? "LAST_INSERT_ID()" : "{5}") + ", {6}, {7}, {8}, {9}, {10})",
            e.MemberId, e.Kind, e.Delta, e.PendingDelta, e.BalanceAfter, e.LotId, e.PaymentId, e.IdempotencyKey, e.Reason, e.Actor, e.CreatedAt));

    /// <summary>
    /// Writes what settling many accounts did (the maintenance batches): entries in multi-row INSERTs, lot changes
    /// grouped, and all balances in one UPDATE, so a batch costs a few round trips whatever its size. Entry ids are
    /// not read back (nothing that settles needs them). Accounts with new lots go through <see cref="SaveAsync"/>.
    /// </summary>
    public async Task SaveSettledAsync(IReadOnlyCollection<PointsAccount> accounts, CancellationToken ct)
    {
        if (accounts.Any(a => a.NewLots.Count > 0))
        {
            await SaveAsync(accounts, ct);
            return;
        }
        foreach (var chunk in accounts.SelectMany(a => a.NewEntries).Chunk(EntriesPerInsert))
            await InsertEntriesAsync(chunk, ct);
        await UpdateLotsAsync(accounts, ct);
        var changed = accounts.Where(a => a.NewEntries.Count > 0).ToList();
        if (changed.Count == 0) return;
        // Only longs are inlined (ids and balances), so this cannot inject.
        var balance = string.Concat(changed.Select(a => FormattableString.Invariant($" WHEN {a.MemberId} THEN {a.Balance}")));
        var pending = string.Concat(changed.Select(a => FormattableString.Invariant($" WHEN {a.MemberId} THEN {a.Pending}")));
        var update = "UPDATE members SET points_balance = CASE id" + balance + " END, pending_points = CASE id" + pending +
            " END WHERE id IN (" + string.Join(",", changed.Select(a => a.MemberId)) + ")";
        await db.Database.ExecuteSqlRawAsync(update, ct);
    }

    private const int EntriesPerInsert = 1000;

    private async Task InsertEntriesAsync(PointEntry[] entries, CancellationToken ct)
    {
        var rows = new List<string>(entries.Length);
        var values = new List<object?>(entries.Length * 7);
        foreach (var e in entries)
        {
            var i = values.Count;
            rows.Add(FormattableString.Invariant(
                $"({e.MemberId}, {{{i}}}, {e.Delta}, {e.PendingDelta}, {e.BalanceAfter}, {Nullable(e.LotId)}, {Nullable(e.PaymentId)}, {{{i + 1}}}, {{{i + 2}}}, {{{i + 3}}}, {{{i + 4}}})"));
            values.AddRange([e.Kind.ToString(), e.IdempotencyKey, e.Reason, e.Actor, e.CreatedAt]);
        }
        // Numbers are inlined; strings and the timestamp are parameters.
        var insert = "INSERT INTO point_entries (member_id, kind, delta, pending_delta, balance_after, lot_id, payment_id, " +
            "idempotency_key, reason, actor, created_at) VALUES " + string.Join(", ", rows);
        await db.Database.ExecuteSqlRawAsync(insert, values!, ct);
    }

    private static string Nullable(long? value) => value?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "NULL";

    /// <summary>Set-based: lots that changed the same way (all expired now, all released) share one UPDATE.</summary>
    private async Task UpdateLotsAsync(IReadOnlyCollection<PointsAccount> accounts, CancellationToken ct)
    {
        foreach (var (sql, values) in LotUpdates(accounts)) await db.Database.ExecuteSqlRawAsync(sql, values, ct);
    }

    /// <summary>The UPDATEs of changed lots, one per kind of change, with {0}-style placeholders for their values.</summary>
    private static IEnumerable<(string Sql, object[] Values)> LotUpdates(IReadOnlyCollection<PointsAccount> accounts)
    {
        var groups = accounts.SelectMany(a => a.ChangedLots).GroupBy(c => (
            Remaining: c.Value.HasFlag(LotChange.Remaining) ? c.Key.Remaining : (long?)null,
            Pending: c.Value.HasFlag(LotChange.Pending) ? c.Key.IsPending : (bool?)null,
            ExpiredAt: c.Value.HasFlag(LotChange.Expired) ? c.Key.ExpiredAt : null));
        foreach (var group in groups)
        {
            var sets = new List<string>();
            var values = new List<object>();
            if (group.Key.Remaining is { } remaining) Set(sets, values, "remaining", remaining);
            if (group.Key.Pending is { } pending) Set(sets, values, "is_pending", pending);
            if (group.Key.ExpiredAt is { } expiredAt) Set(sets, values, "expired_at", expiredAt);
            // Only our own column names and long ids are inlined; the values are parameters.
            yield return ("UPDATE point_lots SET " + string.Join(", ", sets) + " WHERE id IN (" + string.Join(",", group.Select(c => c.Key.Id)) + ")", values.ToArray());
        }
    }

    private static void Set(List<string> sets, List<object> values, string column, object value)
    {
        sets.Add($"{column} = {{{values.Count}}}");
        values.Add(value);
    }
}

/// <summary>A member locked for a credit: its tier, whether it was deleted, and its locked points account.</summary>
public sealed record LockedMember(long MemberId, string TierCode, DateTime? DeletedAt, PointsAccount Account);
