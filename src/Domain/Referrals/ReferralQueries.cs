using Microsoft.EntityFrameworkCore;
using WechatLoyalty.Domain.Data;

namespace WechatLoyalty.Domain.Referrals;

public sealed record ReferredFriend(string Name, DateTime JoinedAt, ReferralStatus Status, long RewardPoints, DateTime? RewardPendingUntil,
    DateTime? RewardPaidAt, string? Reason);

public sealed record MyReferrals(int Joined, int Purchased, long PendingPoints, long PaidPoints, IReadOnlyList<ReferredFriend> Friends);

public sealed record LeaderboardRow(int Rank, long MemberId, string MemberNo, string Name, int Joined, int Rewarded, long PointsEarned);

/// <summary>How a funnel is cut: per referrer, per referrer's store, per group (opengid).</summary>
public enum ConversionBy
{
    Referrer,
    Store,
    Group,
}

/// <summary>One row of the funnel: card opens (and distinct openers) → joins → first paid purchases → rewards paid.</summary>
public sealed record ConversionRow(string Key, string? Label, int Opens, int Openers, int Joins, int FirstPurchases, int Rewarded);

/// <summary>What referrers and marketing see. Read-only, projected in SQL.</summary>
public sealed class ReferralQueries(LoyaltyDbContext db)
{
    private const int MaxFriends = 200;

    /// <summary>The referrer's own view: friends who joined (masked names), pending and paid rewards.</summary>
    public async Task<MyReferrals> ForReferrerAsync(long memberId, CancellationToken ct)
    {
        var rows = await db.Referrals.AsNoTracking().Where(r => r.ReferrerMemberId == memberId)
            .OrderByDescending(r => r.JoinedAt).Take(MaxFriends)
            .Join(db.Members, r => r.RefereeMemberId, m => m.Id, (r, m) => new
            {
                m.Nickname, r.JoinedAt, r.Status, r.RewardPoints, r.RewardPendingUntil, r.RewardPaidAt, r.RewardReason, r.PaymentId,
            })
            .ToListAsync(ct);
        var totals = await db.Referrals.AsNoTracking().Where(r => r.ReferrerMemberId == memberId)
            .GroupBy(_ => 1)
            .Select(g => new
            {
                Joined = g.Count(),
                Purchased = g.Count(r => r.PaymentId != null),
                Pending = g.Where(r => r.Status == ReferralStatus.RewardPending).Sum(r => (long?)r.RewardPoints) ?? 0,
                Paid = g.Where(r => r.Status == ReferralStatus.RewardPaid).Sum(r => (long?)r.RewardPoints) ?? 0,
            }).SingleOrDefaultAsync(ct);
        var friends = rows.Select(r => new ReferredFriend(ReferralRules.MaskName(r.Nickname), r.JoinedAt, r.Status,
            r.Status is ReferralStatus.RewardPending or ReferralStatus.RewardPaid ? r.RewardPoints : 0, r.RewardPendingUntil, r.RewardPaidAt,
            r.RewardReason)).ToList();
        return new MyReferrals(totals?.Joined ?? 0, totals?.Purchased ?? 0, totals?.Pending ?? 0, totals?.Paid ?? 0, friends);
    }

    /// <summary>Referrers ranked by rewarded referrals (then joins) among friends who joined in [from, to).</summary>
    public async Task<IReadOnlyList<LeaderboardRow>> LeaderboardAsync(DateTime fromUtc, DateTime toUtc, int top, CancellationToken ct)
    {
        var ranked = await db.Referrals.AsNoTracking().Where(r => r.JoinedAt >= fromUtc && r.JoinedAt < toUtc)
            .GroupBy(r => r.ReferrerMemberId)
            .Select(g => new
            {
                MemberId = g.Key,
                Joined = g.Count(),
                Rewarded = g.Count(r => r.Status == ReferralStatus.RewardPaid),
                Points = g.Where(r => r.Status == ReferralStatus.RewardPaid).Sum(r => (long?)r.RewardPoints) ?? 0,
            })
            .OrderByDescending(x => x.Rewarded).ThenByDescending(x => x.Joined).ThenBy(x => x.MemberId)
            .Take(top).ToListAsync(ct);
        var ids = ranked.Select(r => r.MemberId).ToList();
        var members = await db.Members.AsNoTracking().Where(m => ids.Contains(m.Id))
            .Select(m => new { m.Id, m.MemberNo, m.Nickname }).ToDictionaryAsync(m => m.Id, ct);
        return ranked.Select((r, i) => new LeaderboardRow(i + 1, r.MemberId, members[r.MemberId].MemberNo,
            ReferralRules.MaskName(members[r.MemberId].Nickname), r.Joined, r.Rewarded, r.Points)).ToList();
    }

    /// <summary>
    /// The funnel over [from, to): opens by open time, joins by join time, first purchases by purchase time,
    /// rewards by payment time, each cut by referrer, the referrer's home store, or the group the card was opened in.
    /// </summary>
    public async Task<IReadOnlyList<ConversionRow>> ConversionAsync(ConversionBy by, DateTime fromUtc, DateTime toUtc, int top, CancellationToken ct)
    {
        var opens = db.ReferralCardOpens.AsNoTracking().Where(o => o.OpenedAt >= fromUtc && o.OpenedAt < toUtc);
        var referrals = db.Referrals.AsNoTracking();
        var joins = referrals.Where(r => r.JoinedAt >= fromUtc && r.JoinedAt < toUtc);
        var purchases = referrals.Where(r => r.PurchasedAt >= fromUtc && r.PurchasedAt < toUtc);
        var paid = referrals.Where(r => r.RewardPaidAt >= fromUtc && r.RewardPaidAt < toUtc);

        Dictionary<string, (int Opens, int Openers)> openCounts;
        Dictionary<string, int> joinCounts, purchaseCounts, paidCounts;
        switch (by)
        {
            case ConversionBy.Group:
                openCounts = (await opens.Where(o => o.OpenGid != null).GroupBy(o => o.OpenGid!)
                    .Select(g => new { g.Key, Opens = g.Count(), Openers = g.Select(o => o.OpenerIdentityId).Distinct().Count() }).ToListAsync(ct))
                    .ToDictionary(x => x.Key, x => (x.Opens, x.Openers));
                joinCounts = await CountAsync(joins.Where(r => r.OpenGid != null).GroupBy(r => r.OpenGid!), ct);
                purchaseCounts = await CountAsync(purchases.Where(r => r.OpenGid != null).GroupBy(r => r.OpenGid!), ct);
                paidCounts = await CountAsync(paid.Where(r => r.OpenGid != null).GroupBy(r => r.OpenGid!), ct);
                break;
            case ConversionBy.Store:
                var storeOf = db.Members.Select(m => new { m.Id, m.StoreId });
                openCounts = (await opens.Join(storeOf, o => o.ReferrerMemberId, m => m.Id, (o, m) => new { Store = m.StoreId ?? 0, o.OpenerIdentityId })
                    .GroupBy(x => x.Store)
                    .Select(g => new { g.Key, Opens = g.Count(), Openers = g.Select(o => o.OpenerIdentityId).Distinct().Count() }).ToListAsync(ct))
                    .ToDictionary(x => Key(x.Key), x => (x.Opens, x.Openers));
                joinCounts = Keyed(await CountAsync(joins.Join(storeOf, r => r.ReferrerMemberId, m => m.Id, (r, m) => m.StoreId ?? 0).GroupBy(s => s), ct));
                purchaseCounts = Keyed(await CountAsync(purchases.Join(storeOf, r => r.ReferrerMemberId, m => m.Id, (r, m) => m.StoreId ?? 0).GroupBy(s => s), ct));
                paidCounts = Keyed(await CountAsync(paid.Join(storeOf, r => r.ReferrerMemberId, m => m.Id, (r, m) => m.StoreId ?? 0).GroupBy(s => s), ct));
                break;
            default:
                openCounts = (await opens.GroupBy(o => o.ReferrerMemberId)
                    .Select(g => new { g.Key, Opens = g.Count(), Openers = g.Select(o => o.OpenerIdentityId).Distinct().Count() }).ToListAsync(ct))
                    .ToDictionary(x => Key(x.Key), x => (x.Opens, x.Openers));
                joinCounts = Keyed(await CountAsync(joins.GroupBy(r => r.ReferrerMemberId), ct));
                purchaseCounts = Keyed(await CountAsync(purchases.GroupBy(r => r.ReferrerMemberId), ct));
                paidCounts = Keyed(await CountAsync(paid.GroupBy(r => r.ReferrerMemberId), ct));
                break;
        }

        var keys = openCounts.Keys.Concat(joinCounts.Keys).Concat(purchaseCounts.Keys).Concat(paidCounts.Keys).Distinct().ToList();
        var rows = keys.Select(k => new ConversionRow(k, null, openCounts.GetValueOrDefault(k).Opens, openCounts.GetValueOrDefault(k).Openers,
                joinCounts.GetValueOrDefault(k), purchaseCounts.GetValueOrDefault(k), paidCounts.GetValueOrDefault(k)))
            .OrderByDescending(r => r.Joins).ThenByDescending(r => r.Opens).ThenBy(r => r.Key, StringComparer.Ordinal).Take(top).ToList();
        return await LabelAsync(by, rows, ct);
    }

    private async Task<IReadOnlyList<ConversionRow>> LabelAsync(ConversionBy by, List<ConversionRow> rows, CancellationToken ct)
    {
        var ids = rows.Select(r => long.TryParse(r.Key, out var id) ? id : 0).Where(id => id > 0).ToList();
        Dictionary<long, string> labels = by switch
        {
            ConversionBy.Referrer => await db.Members.AsNoTracking().Where(m => ids.Contains(m.Id)).ToDictionaryAsync(m => m.Id, m => m.MemberNo, ct),
            ConversionBy.Store => await db.Stores.AsNoTracking().Where(s => ids.Contains(s.Id)).ToDictionaryAsync(s => s.Id, s => s.Code + " " + s.Name, ct),
            _ => [],
        };
        return rows.Select(r => r with
        {
            Label = by == ConversionBy.Group ? null
                : by == ConversionBy.Store && r.Key == "0" ? "(no store)"
                : long.TryParse(r.Key, out var id) ? labels.GetValueOrDefault(id) : null,
        }).ToList();
    }

    private static async Task<Dictionary<TKey, int>> CountAsync<TKey, T>(IQueryable<IGrouping<TKey, T>> groups, CancellationToken ct) where TKey : notnull =>
        (await groups.Select(g => new { g.Key, Count = g.Count() }).ToListAsync(ct)).ToDictionary(x => x.Key, x => x.Count);

    private static Dictionary<string, int> Keyed(Dictionary<long, int> counts) => counts.ToDictionary(x => Key(x.Key), x => x.Value);

    private static string Key(long id) => id.ToString(System.Globalization.CultureInfo.InvariantCulture);
}
