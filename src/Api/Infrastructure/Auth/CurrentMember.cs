using System.Globalization;
using System.Security.Claims;
using Microsoft.EntityFrameworkCore;
using WechatLoyalty.Domain.Common;
using WechatLoyalty.Domain.Data;

namespace WechatLoyalty.Api.Infrastructure.Auth;

/// <summary>Who the member token belongs to. A member can only ever reach their own data through this.</summary>
internal static class CurrentMember
{
    public static long IdentityId(this ClaimsPrincipal user) =>
        long.Parse(user.FindFirstValue(MemberTokens.IdentityClaim)
            ?? throw new DomainException("auth.no_identity", "Log in first.", DomainErrorKind.Forbidden), CultureInfo.InvariantCulture);

    /// <summary>The member of the caller's identity, or 403 <c>member.not_registered</c> until they register.</summary>
    public static async Task<long> MemberIdAsync(this ClaimsPrincipal user, LoyaltyDbContext db, CancellationToken ct)
    {
        var identityId = user.IdentityId();
        var memberId = await db.MemberIdentities.Where(i => i.Id == identityId).Select(i => i.MemberId).SingleOrDefaultAsync(ct);
        return memberId ?? throw new DomainException("member.not_registered", "Register as a member first.", DomainErrorKind.Forbidden);
    }
}
