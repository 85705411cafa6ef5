using System.Globalization;
using System.Security.Claims;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using WechatLoyalty.Api.Infrastructure.Auth;
using WechatLoyalty.Domain.Admin;
using WechatLoyalty.Domain.Data;

namespace WechatLoyalty.Api.Features.Console;

/// <summary>The outcome of a sign-in: the user, or why not (LockedUntil set when the account is locked).</summary>
public sealed record SignInOutcome(AdminUser? User, DateTime? LockedUntil);

/// <summary>
/// Console sign-in shared by the JSON API and the console's sign-in page: password check with ASP.NET Core
/// Identity's hasher, lock-out after repeated failures, and the console cookie with the role and store claims.
/// </summary>
public sealed class ConsoleSignIn(LoyaltyDbContext db, TimeProvider time, IOptions<AuthOptions> options, ILogger<ConsoleSignIn> logger)
{
    public async Task<SignInOutcome> SignInAsync(HttpContext http, string userName, string password, CancellationToken ct)
    {
        var now = time.GetUtcNow().UtcDateTime;
        var user = await db.AdminUsers.SingleOrDefaultAsync(u => u.UserName == userName, ct);
        if (user?.LockedUntil is { } until && until > now)
        {
            logger.LogWarning("Sign-in refused for locked account {UserId}", user.Id);
            return new SignInOutcome(null, until);
        }
        var verified = user is not null &&
            new PasswordHasher<AdminUser>().VerifyHashedPassword(user, user.PasswordHash, password) != PasswordVerificationResult.Failed;
        if (!verified)
        {
            if (user is not null)
            {
                user.FailedSignIns++;
                if (user.FailedSignIns >= options.Value.MaxFailedSignIns)
                {
                    user.LockedUntil = now.AddMinutes(options.Value.LockoutMinutes);
                    user.FailedSignIns = 0;
                    logger.LogWarning("Account {UserId} locked after repeated failed sign-ins", user.Id);
                }
                await db.SaveChangesAsync(ct);
            }
            return new SignInOutcome(null, null);
        }

        user!.FailedSignIns = 0;
        user.LockedUntil = null;
        await db.SaveChangesAsync(ct);
        List<Claim> claims =
        [
            new(ClaimTypes.NameIdentifier, user.Id.ToString(CultureInfo.InvariantCulture)),
            new(ClaimTypes.Name, user.UserName),
            new(ClaimTypes.GivenName, user.DisplayName),
            new(ClaimTypes.Role, user.Role.ToString()),
        ];
        if (user.StoreId is { } store) claims.Add(new Claim(ConsoleSessionApi.StoreClaim, store.ToString(CultureInfo.InvariantCulture)));
        await http.SignInAsync(AuthSchemes.Console, new ClaimsPrincipal(new ClaimsIdentity(claims, AuthSchemes.Console)));
        logger.LogInformation("Console user {UserId} signed in as {Role}", user.Id, user.Role);
        return new SignInOutcome(user, null);
    }
}
