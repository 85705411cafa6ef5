using Microsoft.EntityFrameworkCore;
using WechatLoyalty.Domain.Common;
using WechatLoyalty.Domain.Data;
using WechatLoyalty.Domain.Programme;

namespace WechatLoyalty.Domain.Members;

public sealed record MemberCard(
    long MemberId,
    string MemberNo,
    string? Nickname,
    string? PhoneMasked,
    DateTime JoinedAt,
    TierRule Tier,
    long NetSpendFen,
    TierRule? NextTier,
    long? RemainingToNextFen,
    long PointsAvailable,
    long PointsPending,
    long PointsExpiringSoon,
    DateOnly? NextExpiryDate,
    string? StoreCode,
    string? StoreName,
    string ReferralCode,
    BirthdayView? Birthday);

public sealed record BirthdayView(int Month, int Day, int? Year);

/// <summary>What the member card shows: tier and benefits, points (available, pending, expiring soon), progress.</summary>
public sealed class MemberCardQuery(LoyaltyDbContext db, ProgrammeRulesStore rulesStore, ProgrammeClock clock)
{
    public const int ExpiringSoonDays = 30;

    public async Task<MemberCard> GetAsync(long memberId, string fallbackPreset, CancellationToken ct)
    {
        var member = await db.Members.AsNoTracking()
            .Where(m => m.Id == memberId && m.DeletedAt == null)
            .Select(m => new
            {
                m.Id, m.MemberNo, m.Nickname, m.PhoneMasked, m.JoinedAt, m.TierCode, m.PointsBalance, m.PendingPoints,
                m.ReferralCode, m.BirthMonth, m.BirthDay, m.BirthYear,
                Store = db.Stores.Where(s => s.Id == m.StoreId).Select(s => new { s.Code, s.Name }).FirstOrDefault(),
            })
            .SingleOrDefaultAsync(ct)
            ?? throw new DomainException("member.unknown", "No such member.", DomainErrorKind.NotFound);

        var rules = await rulesStore.GetActiveAsync(fallbackPreset, ct);
        var now = clock.UtcNow.UtcDateTime;
        var soon = clock.EndOfDayUtc(clock.Today.AddDays(ExpiringSoonDays));
        var expiring = await db.PointLots.AsNoTracking()
            .Where(l => l.MemberId == memberId && l.Remaining > 0 && l.ExpiredAt == null && l.ExpiresAt > now && l.ExpiresAt <= soon
                        && (l.PendingUntil == null || l.PendingUntil <= now))
            .GroupBy(l => l.MemberId)
            .Select(g => new { Points = g.Sum(l => l.Remaining), First = g.Min(l => l.ExpiresAt) })
            .SingleOrDefaultAsync(ct);
        var spend = await NetSpend.RollingYearAsync(db, clock, memberId, ct);
        var ladder = rules.Ladder;
        var tier = ladder.Tiers.FirstOrDefault(t => t.Code == member.TierCode) ?? ladder.QualifyingTier(spend);
        var progress = ladder.ProgressToNext(tier.Code, spend);

        return new MemberCard(
            member.Id, member.MemberNo, member.Nickname, member.PhoneMasked, member.JoinedAt, tier, spend,
            progress?.Next, progress?.RemainingFen, member.PointsBalance, member.PendingPoints,
            expiring?.Points ?? 0, expiring is null ? null : clock.DateOf(expiring.First),
            member.Store?.Code, member.Store?.Name, member.ReferralCode,
            member.BirthMonth is { } month && member.BirthDay is { } day ? new BirthdayView(month, day, member.BirthYear) : null);
    }
}

/// <summary>Net spend: what the member paid (payer_total) minus refunds, over the 365 programme days ending today.</summary>
public static class NetSpend
{
    public static DateTime WindowStartUtc(ProgrammeClock clock) => clock.StartOfDayUtc(clock.Today.AddDays(-364));

    public static async Task<long> RollingYearAsync(LoyaltyDbContext db, ProgrammeClock clock, long memberId, CancellationToken ct)
    {
        var from = WindowStartUtc(clock);
        return await db.Payments.Where(p => p.MemberId == memberId && p.PaidAt >= from)
            .SumAsync(p => p.PayerTotalFen - p.RefundedFen, ct);
    }
}
