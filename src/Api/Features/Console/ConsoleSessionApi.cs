using System.ComponentModel.DataAnnotations;
using System.Globalization;
using System.Security.Claims;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;
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
        SignInRequest request, HttpContext http, ConsoleSignIn signIn, CancellationToken ct)
    {
        var outcome = await signIn.SignInAsync(http, request.UserName, request.Password, ct);
        return outcome.User is { } user
            ? TypedResults.Ok(new SessionResponse(user.UserName, user.DisplayName, user.Role.ToString(), user.StoreId))
            : TypedResults.Problem(statusCode: 401, title: outcome.LockedUntil is { } until
                    ? $"Too many failed sign-ins; try again after {until:HH:mm} UTC." : "The user name or password is wrong.",
                extensions: new Dictionary<string, object?> { ["code"] = outcome.LockedUntil is null ? "auth.failed" : "auth.locked_out" });
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

    /// <summary>
    /// The audit trail's actor: the console user name from the cookie. Every endpoint that changes anything requires a
    /// console policy, so a missing name is a wiring mistake and fails loudly rather than auditing "nobody".
    /// </summary>
    public static string ConsoleActor(this ClaimsPrincipal user) =>
        user.Identity?.Name is { Length: > 0 } name ? name : throw new InvalidOperationException("No signed-in console user to audit.");

    /// <summary>Store managers and clerks see their own store; admins and marketing see all (null).</summary>
    public static long? RestrictedStoreId(this ClaimsPrincipal user) =>
        user.IsInRole(nameof(AdminRole.Admin)) || user.IsInRole(nameof(AdminRole.Marketing))
            ? null
            : long.Parse(user.FindFirstValue(ConsoleSessionApi.StoreClaim) ?? "0", CultureInfo.InvariantCulture);
}
