using System.IdentityModel.Tokens.Jwt;
using System.Security.Claims;
using System.Security.Cryptography;
using System.Text;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Microsoft.IdentityModel.Tokens;
using WechatLoyalty.Domain.Common;
using WechatLoyalty.Domain.Data;
using WechatLoyalty.Domain.Members;

namespace WechatLoyalty.Api.Infrastructure.Auth;

public sealed record MemberTokenPair(string AccessToken, DateTimeOffset AccessTokenExpiresAt, string RefreshToken, DateTimeOffset RefreshTokenExpiresAt);

/// <summary>
/// Member tokens: a short-lived JWT (subject = the WeChat identity) and an opaque refresh token stored only as a
/// hash and rotated on every use. Presenting a refresh token that was already rotated ends every session of that
/// identity: someone copied it.
/// </summary>
public sealed class MemberTokens(LoyaltyDbContext db, IOptions<AuthOptions> options, TimeProvider time, ILogger<MemberTokens> logger)
{
    public const string Issuer = "wechat-loyalty";
    public const string Audience = "mini-program";
    public const string IdentityClaim = "sub";

    private static readonly TimeSpan ClockSkew = TimeSpan.FromSeconds(30);

    /// <remarks>
    /// The token's lifetime is checked against the same <see cref="TimeProvider"/> that issued it: the default
    /// validator reads the system clock, so under an injected clock (tests that cross midnight, a replayed
    /// incident) a token would be judged by a different "now" than the one that stamped it.
    /// </remarks>
    public static TokenValidationParameters ValidationParameters(AuthOptions options, TimeProvider time) => new()
    {
        ValidIssuer = Issuer,
        ValidAudience = Audience,
        IssuerSigningKey = new SymmetricSecurityKey(options.MemberTokenKeyBytes),
        ValidAlgorithms = [SecurityAlgorithms.HmacSha256],
        ClockSkew = ClockSkew,
        NameClaimType = IdentityClaim,
        LifetimeValidator = (notBefore, expires, _, _) => IsWithinLifetime(notBefore, expires, time.GetUtcNow().UtcDateTime),
    };

    /// <summary>Valid from notBefore to expires, each widened by the clock skew; a token without an expiry never is.</summary>
    public static bool IsWithinLifetime(DateTime? notBefore, DateTime? expires, DateTime utcNow) =>
        expires is { } end && utcNow < end.ToUniversalTime() + ClockSkew
        && (notBefore is not { } start || utcNow >= start.ToUniversalTime() - ClockSkew);

    public async Task<MemberTokenPair> IssueAsync(long identityId, CancellationToken ct)
    {
        var now = time.GetUtcNow();
        var refresh = Convert.ToBase64String(RandomNumberGenerator.GetBytes(32)).TrimEnd('=').Replace('+', '-').Replace('/', '_');
        var session = new MemberSession
        {
            IdentityId = identityId, TokenHash = Hash(refresh), CreatedAt = now.UtcDateTime,
            ExpiresAt = now.AddDays(options.Value.RefreshTokenDays).UtcDateTime,
        };
        db.MemberSessions.Add(session);
        await db.SaveChangesAsync(ct);
        var (access, expires) = CreateAccessToken(identityId, now);
        return new MemberTokenPair(access, expires, refresh, session.ExpiresAt);
    }

    public async Task<MemberTokenPair> RefreshAsync(string refreshToken, CancellationToken ct)
    {
        var now = time.GetUtcNow().UtcDateTime;
        var hash = Hash(refreshToken);
        var session = await db.MemberSessions.SingleOrDefaultAsync(s => s.TokenHash == hash, ct);
        if (session is null || session.ExpiresAt <= now)
            throw new DomainException("auth.refresh_invalid", "The refresh token is not valid; log in again.", DomainErrorKind.Invalid);
        // Rotation as a compare-and-swap: of two concurrent refreshes with one token, exactly one wins.
        var revoked = await db.MemberSessions.Where(s => s.Id == session.Id && s.RevokedAt == null)
            .ExecuteUpdateAsync(s => s.SetProperty(x => x.RevokedAt, now), ct);
        if (revoked == 0)
        {
            await db.MemberSessions.Where(s => s.IdentityId == session.IdentityId && s.RevokedAt == null)
                .ExecuteUpdateAsync(s => s.SetProperty(x => x.RevokedAt, now), ct);
            logger.LogWarning("A rotated refresh token of identity {IdentityId} was presented again; all its sessions were ended", session.IdentityId);
            throw new DomainException("auth.refresh_reused", "The refresh token was already used; log in again.", DomainErrorKind.Invalid);
        }
        return await IssueAsync(session.IdentityId, ct);
    }

    private (string Token, DateTimeOffset ExpiresAt) CreateAccessToken(long identityId, DateTimeOffset now)
    {
        var expires = now.AddMinutes(options.Value.MemberTokenMinutes);
        var token = new JwtSecurityToken(
            Issuer, Audience,
            [new Claim(IdentityClaim, identityId.ToString(System.Globalization.CultureInfo.InvariantCulture))],
            notBefore: now.UtcDateTime, expires: expires.UtcDateTime,
            signingCredentials: new SigningCredentials(new SymmetricSecurityKey(options.Value.MemberTokenKeyBytes), SecurityAlgorithms.HmacSha256));
        return (new JwtSecurityTokenHandler().WriteToken(token), expires);
    }

    private static byte[] Hash(string token) => SHA256.HashData(Encoding.UTF8.GetBytes(token));
}
