using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using WechatLoyalty.Domain.Common;
using WechatLoyalty.Domain.Data;
using WechatLoyalty.Domain.Programme;

namespace WechatLoyalty.Domain.Campaigns.Promotions;

/// <summary>The promotion a payment earns with: multiplier 1 (none) or the best matching promotion's.</summary>
public sealed record PromotionBoost(decimal Multiplier, bool Compound, long? PromotionId)
{
    public static readonly PromotionBoost None = new(1m, false, null);
}

/// <summary>A promotion as the earning code matches it: parsed once, held in <see cref="PromotionCache"/>.</summary>
public sealed record ActivePromotion(long Id, DateOnly StartsOn, DateOnly EndsOn, IReadOnlySet<long> Stores, IReadOnlySet<string> Tiers, decimal Multiplier, bool Compound)
{
    public bool Applies(DateOnly day, long? storeId, string tierCode) =>
        day >= StartsOn && day <= EndsOn
        && (Stores.Count == 0 || (storeId is { } s && Stores.Contains(s)))
        && (Tiers.Count == 0 || Tiers.Contains(tierCode));

    /// <summary>The multiplier this promotion gives a tier: compounded, or the larger of the two (loyalty-rules §3).</summary>
    public decimal Effective(decimal tierMultiplier) => Compound ? tierMultiplier * Multiplier : Math.Max(tierMultiplier, Multiplier);
}

/// <summary>
/// Per process: the promotions that can still apply to a payment (not cancelled, ended at most 60 days ago so late
/// notifications and claims of old payments find theirs). Promotions change rarely and the payment path is hot, so
/// they are read from the database at most once per <see cref="CampaignsOptions.PromotionCacheTime"/>; a change made
/// through this process is seen at once (<see cref="Invalidate"/>), one made through another within that time.
/// </summary>
public sealed class PromotionCache(TimeProvider time, IOptions<CampaignsOptions> options) : IDisposable
{
    private const int LookBackDays = 60;
    private volatile Snapshot? _snapshot;
    private readonly SemaphoreSlim _loading = new(1, 1);

    private sealed record Snapshot(IReadOnlyList<ActivePromotion> Promotions, DateTimeOffset LoadedAt);

    public void Invalidate() => _snapshot = null;

    public void Dispose() => _loading.Dispose();

    public async Task<IReadOnlyList<ActivePromotion>> GetAsync(LoyaltyDbContext db, ProgrammeClock clock, CancellationToken ct)
    {
        if (Fresh(_snapshot) is { } hit) return hit.Promotions;
        await _loading.WaitAsync(ct);
        try
        {
            if (Fresh(_snapshot) is { } loaded) return loaded.Promotions;
            var since = clock.Today.AddDays(-LookBackDays);
            var rows = await db.PointsPromotions.AsNoTracking().Where(p => p.CancelledAt == null && p.EndsOn >= since).ToListAsync(ct);
            var promotions = rows.Select(p => new ActivePromotion(p.Id, p.StartsOn, p.EndsOn,
                JsonSerializer.Deserialize<long[]>(p.StoreIdsJson)!.ToHashSet(),
                JsonSerializer.Deserialize<string[]>(p.TierCodesJson)!.ToHashSet(StringComparer.OrdinalIgnoreCase),
                p.Multiplier, p.Compound)).ToList();
            _snapshot = new Snapshot(promotions, time.GetUtcNow());
            return promotions;
        }
        finally
        {
            _loading.Release();
        }
    }

    private Snapshot? Fresh(Snapshot? s)
    {
        if (s is null) return null;
        var age = time.GetUtcNow() - s.LoadedAt;
        return age >= TimeSpan.Zero && age < options.Value.PromotionCacheTime ? s : null;
    }
}

/// <summary>The earning code's one look-up: the best promotion for a payment (programme day of payment, store, tier).</summary>
public sealed class PointsPromotions(LoyaltyDbContext db, PromotionCache cache, ProgrammeClock clock)
{
    public async Task<PromotionBoost> BestForAsync(long? storeId, TierRule tier, DateTime paidAtUtc, CancellationToken ct)
    {
        var promotions = await cache.GetAsync(db, clock, ct);
        if (promotions.Count == 0) return PromotionBoost.None;
        var day = clock.DateOf(new DateTimeOffset(DateTime.SpecifyKind(paidAtUtc, DateTimeKind.Utc)));
        var best = promotions.Where(p => p.Applies(day, storeId, tier.Code))
            .OrderByDescending(p => p.Effective(tier.PointsMultiplier)).ThenBy(p => p.Id).FirstOrDefault();
        return best is null ? PromotionBoost.None : new PromotionBoost(best.Multiplier, best.Compound, best.Id);
    }
}
