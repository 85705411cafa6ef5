using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using WechatLoyalty.Domain.Common;
using WechatLoyalty.Domain.Data;
using WechatLoyalty.Domain.Members;
using WechatLoyalty.Domain.Points;
using WechatLoyalty.Domain.Programme;

namespace WechatLoyalty.Domain.Referrals;

/// <summary>
/// Links a new member to the referrer whose code they joined with, inside the registration's transaction: once
/// and forever (a unique index on the referee), or not at all with the refusal recorded. An unusable code never
/// fails the join. The new member's welcome points go through the ledger under the member's welcome key.
/// </summary>
public sealed class ReferralAttribution(
    LoyaltyDbContext db, PointsLedger ledger, ProgrammeClock clock, IOptions<ReferralsOptions> options, ILogger<ReferralAttribution> logger)
{
    /// <summary>Attributes <paramref name="member"/> (saved, tracked, just created) to the owner of <paramref name="code"/>.</summary>
    public async Task<Referral?> AttributeAsync(Member member, MemberIdentity identity, string? code, ProgrammeRules rules, CancellationToken ct)
    {
        if (string.IsNullOrEmpty(code)) return null;
        var now = clock.UtcNow.UtcDateTime;
        var referrer = await db.Members.AsNoTracking().Where(m => m.ReferralCode == code)
            .Select(m => new { m.Id, m.UnionId, m.PhoneHash, m.DeletedAt }).FirstOrDefaultAsync(ct);
        if (referrer is null || referrer.DeletedAt is not null)
            return await RefuseAsync(RefusalReasons.UnknownCode, referrer?.Id, member.Id, code, null, ct);

        var newcomer = new PersonKeys(identity.UnionId ?? member.UnionId, member.PhoneHash);
        if (ReferralRules.SelfReferral(new PersonKeys(referrer.UnionId, referrer.PhoneHash), newcomer) is { } self)
            return await RefuseAsync(self, referrer.Id, member.Id, code, null, ct);

        if (ReferralRules.IsCircular(await ChainAsync(referrer.Id, ct), member.Id, newcomer, identity.Id))
            return await RefuseAsync(RefusalReasons.Circular, referrer.Id, member.Id, code, "the referrer's chain leads back to the new member", ct);

        var open = await db.ReferralCardOpens.AsNoTracking()
            .Where(o => o.OpenerIdentityId == identity.Id && o.ReferrerMemberId == referrer.Id)
            .OrderByDescending(o => o.OpenedAt).ThenByDescending(o => o.Id)
            .Select(o => new { o.Id, o.OpenedAt, o.OpenGid }).FirstOrDefaultAsync(ct);
        var window = options.Value.AttributionWindowDays;
        if (ReferralRules.IsLate(open?.OpenedAt, now, window))
            return await RefuseAsync(RefusalReasons.Late, referrer.Id, member.Id, code,
                $"card opened {(now - open!.OpenedAt).TotalDays:F1} days before joining (window {window} days)", ct);

        // The group of the latest open from a group, when the latest open itself carried none (opened again 1:1).
        var openGid = open?.OpenGid ?? await db.ReferralCardOpens.AsNoTracking()
            .Where(o => o.OpenerIdentityId == identity.Id && o.ReferrerMemberId == referrer.Id && o.OpenGid != null
                && o.OpenedAt >= now.AddDays(-window))
            .OrderByDescending(o => o.OpenedAt).Select(o => o.OpenGid).FirstOrDefaultAsync(ct);
        var referral = new Referral
        {
            ReferrerMemberId = referrer.Id, RefereeMemberId = member.Id, RefereeIdentityId = identity.Id, Code = code,
            CardOpenId = open?.Id, OpenGid = openGid, StoreId = member.StoreId, JoinedAt = now,
            WelcomePoints = rules.ReferralWelcomePoints, Status = ReferralStatus.AwaitingPurchase,
        };
        member.ReferrerId = referrer.Id;
        member.JoinSource = JoinSource.Referral;
        db.Referrals.Add(referral);
        await db.SaveChangesAsync(ct);

        if (rules.ReferralWelcomePoints > 0)
        {
            await ledger.CreditAsync(new PointsCredit(member.Id, rules.ReferralWelcomePoints, PointSource.Referral,
                ReferralKeys.Welcome(member.Id), now, PointsRules.ExpiresAtUtc(clock.UtcNow, rules.PointsExpiryMonths, clock),
                Reason: "Welcome: joined through a friend's referral"), ct);
        }
        logger.LogInformation("Member {MemberId} referred by member {ReferrerId} (referral {ReferralId}, group {HasGroup})",
            member.Id, referrer.Id, referral.Id, openGid is not null);
        return referral;
    }

    /// <summary>The referrer, its referrer and so on (bounded), with the identity each joined with when known.</summary>
    private async Task<List<ChainLink>> ChainAsync(long referrerId, CancellationToken ct)
    {
        var chain = new List<ChainLink>();
        long? next = referrerId;
        var seen = new HashSet<long>();
        while (next is { } id && chain.Count < ReferralRules.MaxChainDepth)
        {
            var link = await db.Members.AsNoTracking().Where(m => m.Id == id)
                .Select(m => new ChainLink(m.Id, m.ReferrerId, m.UnionId, m.PhoneHash,
                    db.Referrals.Where(r => r.RefereeMemberId == m.Id).Select(r => (long?)r.RefereeIdentityId).FirstOrDefault()))
                .FirstOrDefaultAsync(ct);
            if (link is null) break;
            chain.Add(link);
            if (!seen.Add(id)) break; // a loop already in the data: IsCircular sees the repeat
            next = link.ReferrerId;
        }
        return chain;
    }

    private async Task<Referral?> RefuseAsync(string reason, long? referrerId, long refereeId, string code, string? detail, CancellationToken ct)
    {
        db.ReferralRefusals.Add(new ReferralRefusal
        {
            Stage = ReferralStage.Attribution, Reason = reason, ReferrerMemberId = referrerId, RefereeMemberId = refereeId,
            Code = code, Detail = detail, At = clock.UtcNow.UtcDateTime,
        });
        await db.SaveChangesAsync(ct);
        logger.LogWarning("Referral of new member {MemberId} by member {ReferrerId} refused: {Reason}", refereeId, referrerId, reason);
        return null;
    }
}
