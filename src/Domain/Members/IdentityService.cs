using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;
using WechatLoyalty.Domain.Common;
using WechatLoyalty.Domain.Data;
using WechatLoyalty.Domain.Security;

namespace WechatLoyalty.Domain.Members;

/// <summary>WeChat identities: upserted on every login, linked to the one member of their UnionID.</summary>
public sealed class IdentityService(LoyaltyDbContext db, PersonalDataProtector protector, ProgrammeClock clock, ILogger<IdentityService> logger)
{
    internal const string SessionKeyPurpose = "wechat-session-key";

    /// <summary>
    /// Records a mini-program login: the identity is created or refreshed in one statement (two logins at once
    /// cannot create two rows), its session_key replaced, and it is linked to an existing member with the same UnionID.
    /// </summary>
    public async Task<MemberIdentity> RecordLoginAsync(string appId, string openId, string? unionId, string sessionKey, CancellationToken ct)
    {
        var now = clock.UtcNow.UtcDateTime;
        var cipher = protector.Encrypt(sessionKey, SessionKeyPurpose);
        await db.Database.ExecuteSqlInterpolatedAsync($"""
            INSERT INTO member_identities (app_id, open_id, union_id, session_key_cipher, created_at, last_seen_at)
            VALUES ({appId}, {openId}, {unionId}, {cipher}, {now}, {now})
            ON DUPLICATE KEY UPDATE union_id = COALESCE(VALUES(union_id), union_id),
                session_key_cipher = VALUES(session_key_cipher), last_seen_at = VALUES(last_seen_at)
            """, ct);
        var identity = await db.MemberIdentities.SingleAsync(i => i.AppId == appId && i.OpenId == openId, ct);
        await LinkByUnionIdAsync(identity, ct);
        return identity;
    }

    /// <summary>The session_key of the identity's current login, for decrypting open data (share info, group id).</summary>
    public async Task<string?> GetSessionKeyAsync(long identityId, CancellationToken ct)
    {
        var cipher = await db.MemberIdentities.Where(i => i.Id == identityId).Select(i => i.SessionKeyCipher).SingleOrDefaultAsync(ct);
        return cipher is null ? null : protector.Decrypt(cipher, SessionKeyPurpose);
    }

    /// <summary>
    /// An official-account follow or unfollow. The OA identity is created if new and linked to the member of its
    /// UnionID, so the member's message channel follows what the person did in WeChat.
    /// </summary>
    public async Task<MemberIdentity> RecordFollowAsync(string appId, string openId, string? unionId, bool follows, DateTime at, CancellationToken ct)
    {
        await db.Database.ExecuteSqlInterpolatedAsync($"""
            INSERT INTO member_identities (app_id, open_id, union_id, follows, follow_changed_at, created_at, last_seen_at)
            VALUES ({appId}, {openId}, {unionId}, {follows}, {at}, {at}, {at})
            ON DUPLICATE KEY UPDATE union_id = COALESCE(VALUES(union_id), union_id),
                follows = IF(follow_changed_at IS NULL OR follow_changed_at <= VALUES(follow_changed_at), VALUES(follows), follows),
                follow_changed_at = GREATEST(COALESCE(follow_changed_at, VALUES(follow_changed_at)), VALUES(follow_changed_at)),
                last_seen_at = VALUES(last_seen_at)
            """, ct);
        var identity = await db.MemberIdentities.SingleAsync(i => i.AppId == appId && i.OpenId == openId, ct);
        await LinkByUnionIdAsync(identity, ct);
        return identity;
    }

    private async Task LinkByUnionIdAsync(MemberIdentity identity, CancellationToken ct)
    {
        if (identity.MemberId is not null || identity.UnionId is null) return;
        var memberId = await db.Members.Where(m => m.UnionId == identity.UnionId && m.DeletedAt == null)
            .Select(m => (long?)m.Id).FirstOrDefaultAsync(ct);
        if (memberId is null) return;
        // Only link an identity that is still unlinked: a concurrent registration may have linked it already.
        var linked = await db.MemberIdentities.Where(i => i.Id == identity.Id && i.MemberId == null)
            .ExecuteUpdateAsync(s => s.SetProperty(i => i.MemberId, memberId), ct);
        if (linked == 1)
        {
            identity.MemberId = memberId;
            logger.LogInformation("Identity {IdentityId} linked to member {MemberId} by UnionID", identity.Id, memberId);
        }
    }
}
