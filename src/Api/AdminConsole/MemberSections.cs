using Microsoft.EntityFrameworkCore;
using WechatLoyalty.Domain.Data;
using WechatLoyalty.Domain.Messaging;
using WechatLoyalty.Domain.Referrals;

namespace WechatLoyalty.Api.AdminConsole;

public sealed record ReferrerLink(long MemberId, string MemberNo, string? Nickname, DateTime JoinedAt, ReferralStatus Status, long RewardPoints);

public sealed record FriendRow(long MemberId, string MemberNo, string? Nickname, DateTime JoinedAt, ReferralStatus Status, long RewardPoints,
    DateTime? RewardPendingUntil, DateTime? RewardPaidAt, string? Reason);

public sealed record MemberReferralsView(ReferrerLink? ReferredBy, MyReferrals Totals, IReadOnlyList<FriendRow> Friends);

/// <summary>
/// Data for the member page's referral and message sections (partials). Read-only, projected in SQL, capped; the
/// section is shown only to the roles whose API serves the same data (admin, marketing).
/// </summary>
public sealed class MemberSections(LoyaltyDbContext db, ReferralQueries referrals)
{
    public const int MaxRows = 50;

    public async Task<MemberReferralsView> ReferralsAsync(long memberId, CancellationToken ct)
    {
        var referredBy = await db.Referrals.AsNoTracking().Where(r => r.RefereeMemberId == memberId)
            .Join(db.Members, r => r.ReferrerMemberId, m => m.Id, (r, m) => new ReferrerLink(m.Id, m.MemberNo, m.Nickname, r.JoinedAt, r.Status, r.RewardPoints))
            .FirstOrDefaultAsync(ct);
        var friends = await db.Referrals.AsNoTracking().Where(r => r.ReferrerMemberId == memberId)
            .OrderByDescending(r => r.JoinedAt).Take(MaxRows)
            .Join(db.Members, r => r.RefereeMemberId, m => m.Id, (r, m) => new FriendRow(m.Id, m.MemberNo, m.Nickname, r.JoinedAt, r.Status,
                r.RewardPoints, r.RewardPendingUntil, r.RewardPaidAt, r.RewardReason))
            .ToListAsync(ct);
        return new MemberReferralsView(referredBy, await referrals.ForReferrerAsync(memberId, ct), friends);
    }

    public Task<List<MessageDelivery>> DeliveriesAsync(long memberId, CancellationToken ct) =>
        db.MessageDeliveries.AsNoTracking().Where(d => d.MemberId == memberId).OrderByDescending(d => d.Id).Take(MaxRows).ToListAsync(ct);
}
