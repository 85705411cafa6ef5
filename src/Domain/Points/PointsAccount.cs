using WechatLoyalty.Domain.Common;

namespace WechatLoyalty.Domain.Points;

/// <summary>What the ledger changed on an existing lot, so only those columns are written.</summary>
[Flags]
public enum LotChange
{
    None = 0,
    Remaining = 1,
    Pending = 2,
    Expired = 4,
}

/// <summary>
/// One member's points in memory while the member row is locked: the two balances, the lots that can still move,
/// and the entries and lot changes made so far. Pure (no database), so every rule is testable on its own;
/// <see cref="LedgerStore"/> loads it and writes back what changed.
/// <para>
/// Representation. Balance (Member.PointsBalance) = sum of entry Delta; Pending (Member.PendingPoints) = sum of
/// entry PendingDelta. Pending lots hold Pending; available lots hold max(Balance, 0). A negative Balance is a debt
/// (a refund took points that were already spent); while there is debt no available lot holds points, because
/// any point that becomes available (a credit, a pending release, a reservation release) pays the debt first:
/// the entry carries the full amount and the lot keeps only what is left after the payoff.
/// </para>
/// </summary>
public sealed class PointsAccount
{
    private readonly List<PointLot> _lots;
    private readonly List<PointLot> _newLots = [];
    private readonly List<PointEntry> _entries = [];
    private readonly Dictionary<PointLot, LotChange> _changes = new(ReferenceEqualityComparer.Instance);

    public PointsAccount(long memberId, long balance, long pending, IEnumerable<PointLot> lots, DateTime now)
    {
        MemberId = memberId;
        Balance = balance;
        Pending = pending;
        Now = now;
        _lots = [.. lots];
    }

    public long MemberId { get; }
    public long Balance { get; private set; }
    public long Pending { get; private set; }
    public DateTime Now { get; }
    public long Debt => Balance < 0 ? -Balance : 0;

    /// <summary>Points a spend could take right now.</summary>
    public long Spendable => LotAllocation.SpendOrder(_lots, Now).Sum(l => l.Remaining);

    public IReadOnlyList<PointLot> Lots => _lots;
    public IReadOnlyList<PointLot> NewLots => _newLots;
    public IReadOnlyList<PointEntry> NewEntries => _entries;

    /// <summary>Lots that existed before and changed, with what changed.</summary>
    public IReadOnlyDictionary<PointLot, LotChange> ChangedLots => _changes;

    /// <summary>
    /// Brings the account up to <see cref="Now"/>: pending lots whose window closed become available, lots past
    /// their expiry expire. Every operation settles first, so a debit never counts points that are already due to
    /// expire and a credit never meets a debt that a due release would have paid.
    /// <para>
    /// Releases come first, then one Expire entry covers every lot that expires in this settle. Doing the releases
    /// first changes no lot and no balance compared with interleaving them by expiry: an expiring available lot holds
    /// points only while there is no debt, so it never changes what a release pays off (only the running
    /// BalanceAfter of the entries differs). <see cref="ExpirySql"/> writes the same entry set-based.
    /// </para>
    /// </summary>
    public void Settle()
    {
        var ordered = _lots.OrderBy(l => l.ExpiresAt).ThenBy(l => l.Id).ToList();
        foreach (var lot in ordered.Where(l => l.IsPending && l.PendingUntil <= Now)) Release(lot);
        Expire(ordered.Where(l => l.ExpiredAt is null && l.ExpiresAt <= Now).ToList());
    }

    /// <summary>A new lot: pending when its window is still open, else available (paying any debt first).</summary>
    public PointEntry Credit(PointsCredit credit)
    {
        var lot = new PointLot
        {
            MemberId = MemberId, Source = credit.Source, Amount = credit.Points, EarnedAt = credit.EarnedAt,
            ExpiresAt = credit.ExpiresAt, PendingUntil = credit.PendingUntil, PaymentId = credit.PaymentId,
            IsPending = credit.PendingUntil > Now,
        };
        _lots.Add(lot);
        _newLots.Add(lot);
        var kind = credit.Source == PointSource.Manual ? PointEntryKind.Adjust : PointEntryKind.Earn;
        if (lot.IsPending)
        {
            lot.Remaining = credit.Points;
            Pending += credit.Points;
            return Append(kind, credit.IdempotencyKey, 0, credit.Points, lot, credit.PaymentId, credit.Reason, credit.Actor);
        }
        MakeAvailable(lot, credit.Points);
        return Append(kind, credit.IdempotencyKey, credit.Points, 0, lot, credit.PaymentId, credit.Reason, credit.Actor);
    }

    /// <summary>
    /// Takes <paramref name="points"/> from available lots, soonest expiry first. Without enough points it throws
    /// <c>points.insufficient</c>, unless <paramref name="allowDebt"/>: then the shortfall becomes debt.
    /// </summary>
    public (PointEntry Entry, IReadOnlyList<LotTake> Takes) Spend(
        PointEntryKind kind, string key, long points, bool allowDebt, string? reason, string? actor = null)
    {
        var takes = LotAllocation.Take(LotAllocation.SpendOrder(_lots, Now), points);
        var taken = takes.Sum(t => t.Points);
        if (taken < points && !allowDebt)
            throw new DomainException("points.insufficient", $"{points} points needed, {taken} available.", DomainErrorKind.Conflict);
        foreach (var take in takes) Reduce(take);
        Balance -= points;
        return (Append(kind, key, -points, 0, null, null, reason, actor), takes);
    }

    /// <summary>
    /// Reverses <paramref name="points"/> of a refunded payment: from the payment's own lots first (pending or
    /// not), then from available lots soonest expiry first; what cannot be taken becomes debt.
    /// </summary>
    public PointEntry Refund(long paymentId, string key, long points, string? reason)
    {
        var takes = LotAllocation.Take(LotAllocation.RefundOrder(_lots, paymentId, Now), points);
        foreach (var take in takes) Reduce(take);
        var fromPending = takes.Where(t => t.Lot.IsPending).Sum(t => t.Points);
        Pending -= fromPending;
        Balance -= points - fromPending;
        return Append(PointEntryKind.Refund, key, -(points - fromPending), -fromPending, null, paymentId, reason, null);
    }

    /// <summary>
    /// Puts reserved points back into the lots they came from. Points whose lot expired meanwhile are not restored:
    /// they would have expired had the order never been placed. Returns the entry and the points lost that way.
    /// </summary>
    public (PointEntry Entry, long Lost) Restore(IEnumerable<(long LotId, long Points)> allocations, string key, string? reason)
    {
        long restored = 0, lost = 0;
        var byLot = _lots.Where(l => l.Id != 0).ToDictionary(l => l.Id);
        var found = allocations.Select(a => (Lot: byLot.GetValueOrDefault(a.LotId), a.Points)).ToList();
        foreach (var (lot, points) in found.OrderBy(a => a.Lot?.ExpiresAt).ThenBy(a => a.Lot?.Id))
        {
            if (lot is null || lot.IsPending || lot.ExpiredAt is not null || lot.ExpiresAt <= Now)
            {
                lost += points;
                continue;
            }
            MakeAvailable(lot, points);
            restored += points;
        }
        var why = lost == 0 ? reason : $"{reason} ({lost} points expired while reserved)";
        return (Append(PointEntryKind.RedeemRelease, key, restored, 0, null, null, why, null), lost);
    }

    private void Release(PointLot lot)
    {
        lot.IsPending = false;
        Mark(lot, LotChange.Pending);
        var points = lot.Remaining;
        if (points == 0) return;
        Pending -= points;
        lot.Remaining = 0;
        MakeAvailable(lot, points);
        Append(PointEntryKind.PendingRelease, LedgerKeys.PendingRelease(lot.Id), points, -points, lot, lot.PaymentId, "Return window closed", null);
    }

    /// <summary>
    /// Expires <paramref name="due"/> with one entry for the lots that still held points (none when all were spent).
    /// One line per member per run, not per lot: the statement says "N points expired" as members know it from
    /// other programmes, and the lots keep the detail (expired_at equals the entry's created_at, per member).
    /// </summary>
    private void Expire(IReadOnlyList<PointLot> due)
    {
        foreach (var lot in due)
        {
            lot.ExpiredAt = Now;
            Mark(lot, LotChange.Expired);
        }
        var holding = due.Where(l => l.Remaining > 0).OrderBy(l => l.Id).ToList();
        if (holding.Count == 0) return;
        var available = holding.Where(l => !l.IsPending).Sum(l => l.Remaining);
        var pending = holding.Where(l => l.IsPending).Sum(l => l.Remaining);
        foreach (var lot in holding)
        {
            lot.Remaining = 0;
            Mark(lot, LotChange.Remaining);
        }
        Balance -= available;
        Pending -= pending;
        var single = holding.Count == 1 ? holding[0] : null;
        Append(PointEntryKind.Expire, LedgerKeys.Expire(holding[0].Id), -available, -pending, single, single?.PaymentId,
            ExpiryReason(holding.Count, holding.Min(l => l.EarnedAt), holding.Max(l => l.EarnedAt)), null);
    }

    /// <summary>The expiry line's text; <see cref="ExpirySql"/> builds the same one in SQL.</summary>
    internal static string ExpiryReason(int lots, DateTime firstEarned, DateTime lastEarned) => lots == 1
        ? FormattableString.Invariant($"Expired (earned {firstEarned:yyyy-MM-dd})")
        : FormattableString.Invariant($"Expired ({lots} lots earned {firstEarned:yyyy-MM-dd} to {lastEarned:yyyy-MM-dd})");

    private void MakeAvailable(PointLot lot, long points)
    {
        var payoff = LotAllocation.DebtPayoff(Balance, points);
        Balance += points;
        lot.Remaining += points - payoff;
        Mark(lot, LotChange.Remaining);
    }

    private void Reduce(LotTake take)
    {
        take.Lot.Remaining -= take.Points;
        Mark(take.Lot, LotChange.Remaining);
    }

    private void Mark(PointLot lot, LotChange change)
    {
        if (lot.Id == 0) return; // a new lot is inserted whole
        _changes[lot] = _changes.GetValueOrDefault(lot) | change;
    }

    private PointEntry Append(PointEntryKind kind, string key, long delta, long pendingDelta, PointLot? lot, long? paymentId, string? reason, string? actor)
    {
        var entry = new PointEntry
        {
            MemberId = MemberId, Kind = kind, Delta = delta, PendingDelta = pendingDelta, BalanceAfter = Balance,
            PaymentId = paymentId, IdempotencyKey = key, Reason = reason, Actor = actor, CreatedAt = Now,
        };
        if (lot is { Id: 0 }) entry.Lot = lot;
        else entry.LotId = lot?.Id;
        _entries.Add(entry);
        return entry;
    }
}
