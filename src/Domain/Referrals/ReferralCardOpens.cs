using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;
using WechatLoyalty.Domain.Common;
using WechatLoyalty.Domain.Data;

namespace WechatLoyalty.Domain.Referrals;

public sealed record CardOpened(long? OpenId, CardSource Source, bool GroupRecorded, bool OwnCard);

/// <summary>
/// Records that a WeChat user opened a member's referral card (or scanned its poster): who shared, who opened,
/// when, from where, and the group's opengid when the mini-program sent the decrypted share info. The opener need
/// not be a member yet; that is the point.
/// </summary>
public sealed class ReferralCardOpens(LoyaltyDbContext db, ProgrammeClock clock, ILogger<ReferralCardOpens> logger)
{
    public async Task<CardOpened> RecordAsync(long openerIdentityId, string code, int? scene, string? openGid, CancellationToken ct)
    {
        var referrer = await db.Members.AsNoTracking().Where(m => m.ReferralCode == code && m.DeletedAt == null)
            .Select(m => new { m.Id }).FirstOrDefaultAsync(ct)
            ?? throw new DomainException("referral.unknown_code", "No member has this referral code.", DomainErrorKind.NotFound);
        var openerMemberId = await db.MemberIdentities.Where(i => i.Id == openerIdentityId).Select(i => i.MemberId).SingleOrDefaultAsync(ct);
        var source = ReferralRules.SourceOf(scene, openGid is not null);
        // The sharer tapping their own card in the group is not reach; nothing to record.
        if (openerMemberId == referrer.Id) return new CardOpened(null, source, false, OwnCard: true);

        var open = new ReferralCardOpen
        {
            ReferrerMemberId = referrer.Id, OpenerIdentityId = openerIdentityId, OpenerMemberId = openerMemberId, Scene = scene,
            Source = source, OpenGid = openGid, OpenedAt = clock.UtcNow.UtcDateTime,
        };
        db.ReferralCardOpens.Add(open);
        await db.SaveChangesAsync(ct);
        logger.LogInformation("Referral card of member {ReferrerId} opened ({Source}, scene {Scene}, group {HasGroup})",
            referrer.Id, source, scene, openGid is not null);
        return new CardOpened(open.Id, source, openGid is not null, OwnCard: false);
    }
}
