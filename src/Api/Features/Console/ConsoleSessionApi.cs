using System.ComponentModel.DataAnnotations;
using System.Globalization;
using System.Security.Claims;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using WechatLoyalty.Api.Infrastructure.Auth;
using WechatLoyalty.Domain.Admin;
using WechatLoyalty.Domain.Common;
using WechatLoyalty.Domain.Data;

namespace WechatLoyalty.Api.Features.Console;

/// <summary>Console sign-in: a cookie for staff accounts, with lock-out after repeated failures.</summary>
internal static class ConsoleSessionApi
{
    public const string StoreClaim = "store_id";

    public static void MapConsoleSessionApi(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/api/admin/session").WithTags("Console session");
        group.MapPost("/", SignIn).AllowAnonymous().WithSummary("Sign in to the console (sets the console cookie).");
        group.MapGet("/", Me).RequireAuthorization(Policies.AnyStaff).WithSummary("Who is signed in.");
        group.MapDelete("/", (Delegate)SignOut).RequireAuthorization(Policies.AnyStaff).WithSummary("Sign out.");
    }

    public sealed record SignInRequest([Required, MaxLength(64)] string UserName, [Required, MaxLength(200)] string Password);

    public sealed record SessionResponse(string UserName, string DisplayName, string Role, long? StoreId);

    internal static async Task<Results<Ok<SessionResponse>, ProblemHttpResult>> SignIn(
        SignInRequest request, HttpContext http, LoyaltyDbContext db, TimeProvider time, IOptions<AuthOptions> options,
        ILoggerFactory loggers, CancellationToken ct)
    {
        var logger = loggers.CreateLogger("Console.SignIn");
        var now = time.GetUtcNow().UtcDateTime;
        var user = await db.AdminUsers.SingleOrDefaultAsync(u => u.UserName == request.UserName, ct);
        if (user?.LockedUntil is { } until && until > now)
        {
            logger.LogWarning("Sign-in refused for locked account {UserId}", user.Id);
            return TypedResults.Problem(statusCode: 401, title: $"Too many failed sign-ins; try again after {until:HH:mm} UTC.",
                extensions: new Dictionary<string, object?> { ["code"] = "auth.locked_out" });
        }
        var verified = user is not null &&
            new PasswordHasher<AdminUser>().VerifyHashedPassword(user, user.PasswordHash, request.Password) != PasswordVerificationResult.Failed;
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
            return TypedResults.Problem(statusCode: 401, title: "The user name or password is wrong.",
                extensions: new Dictionary<string, object?> { ["code"] = "auth.failed" });
        }

        user!.FailedSignIns = 0;
        user.LockedUntil = null;
        await db.SaveChangesAsync(ct);
        List<Claim> claims =
        [
            new(ClaimTypes.NameIdentifier, user.Id.ToString(CultureInfo.InvariantCulture)),
            new(ClaimTypes.Name, user.UserName),
            new(ClaimTypes.Role, user.Role.ToString()),
        ];
        if (user.StoreId is { } store) claims.Add(new Claim(StoreClaim, store.ToString(CultureInfo.InvariantCulture)));
        await http.SignInAsync(AuthSchemes.Console, new ClaimsPrincipal(new ClaimsIdentity(claims, AuthSchemes.Console)));
        logger.LogInformation("Console user {UserId} signed in as {Role}", user.Id, user.Role);
        return TypedResults.Ok(new SessionResponse(user.UserName, user.DisplayName, user.Role.ToString(), user.StoreId));
    }

    internal static async Task<Ok<SessionResponse>> Me(ClaimsPrincipal principal, LoyaltyDbContext db, CancellationToken ct)
    {
        var id = principal.ConsoleUserId();
        var user = await db.AdminUsers.AsNoTracking().SingleOrDefaultAsync(u => u.Id == id, ct)
            ?? throw new DomainException("console.user_gone", "The account no longer exists.", DomainErrorKind.Forbidden);
        return TypedResults.Ok(new SessionResponse(user.UserName, user.DisplayName, user.Role.ToString(), user.StoreId));
    }

    internal static async Task<NoContent> SignOut(HttpContext http)
    {
        await http.SignOutAsync(AuthSchemes.Console);
        return TypedResults.NoContent();
    }
}

internal static class ConsoleUser
{
    public static long ConsoleUserId(this ClaimsPrincipal user) =>
        long.Parse(user.FindFirstValue(ClaimTypes.NameIdentifier)!, CultureInfo.InvariantCulture);

    /// <summary>Store managers and clerks see their own store; admins and marketing see all (null).</summary>
    public static long? RestrictedStoreId(this ClaimsPrincipal user) =>
        user.IsInRole(nameof(AdminRole.Admin)) || user.IsInRole(nameof(AdminRole.Marketing))
            ? null
            : long.Parse(user.FindFirstValue(ConsoleSessionApi.StoreClaim) ?? "0", CultureInfo.InvariantCulture);
}
