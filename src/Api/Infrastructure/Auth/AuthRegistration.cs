using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.Authentication.JwtBearer;
using Microsoft.AspNetCore.Authorization;
using Microsoft.Extensions.Options;
using WechatLoyalty.Domain.Admin;
using WechatLoyalty.Jobs.Hosting;

namespace WechatLoyalty.Api.Infrastructure.Auth;

public static class AuthSchemes
{
    /// <summary>Mini-program callers: a bearer JWT from <c>POST /api/mp/login</c>.</summary>
    public const string Member = "Member";

    /// <summary>Console users: a cookie from <c>POST /api/admin/session</c>.</summary>
    public const string Console = "Console";
}

public static class Policies
{
    public const string Member = "member";
    public const string AnyStaff = "console:any";
    public const string Admin = "console:admin";
    public const string Marketing = "console:marketing";
    public const string StoreManagement = "console:stores";
}

internal static class AuthRegistration
{
    public static IServiceCollection AddLoyaltyAuth(this IServiceCollection services)
    {
        services.AddValidatedOptions<AuthOptions>(AuthOptions.Section);
        services.AddSingleton<IValidateOptions<AuthOptions>, AuthOptionsValidator>();
        services.AddScoped<MemberTokens>();

        services.AddAuthentication()
            .AddJwtBearer(AuthSchemes.Member, o => o.MapInboundClaims = false)
            .AddCookie(AuthSchemes.Console, o =>
            {
                o.Cookie.Name = "wl_console";
                o.Cookie.HttpOnly = true;
                o.Cookie.SameSite = SameSiteMode.Strict;
                o.ExpireTimeSpan = TimeSpan.FromHours(8);
                o.SlidingExpiration = true;
                // An API answers 401/403; it does not redirect to a login page.
                o.Events.OnRedirectToLogin = c => { c.Response.StatusCode = StatusCodes.Status401Unauthorized; return Task.CompletedTask; };
                o.Events.OnRedirectToAccessDenied = c => { c.Response.StatusCode = StatusCodes.Status403Forbidden; return Task.CompletedTask; };
            });
        services.AddOptions<JwtBearerOptions>(AuthSchemes.Member).Configure<IOptions<AuthOptions>>((jwt, auth) =>
            jwt.TokenValidationParameters = MemberTokens.ValidationParameters(auth.Value));

        services.AddAuthorizationBuilder()
            .AddPolicy(Policies.Member, p => p.AddAuthenticationSchemes(AuthSchemes.Member).RequireClaim(MemberTokens.IdentityClaim))
            .AddPolicy(Policies.AnyStaff, p => Console(p))
            .AddPolicy(Policies.Admin, p => Console(p, AdminRole.Admin))
            .AddPolicy(Policies.Marketing, p => Console(p, AdminRole.Admin, AdminRole.Marketing))
            .AddPolicy(Policies.StoreManagement, p => Console(p, AdminRole.Admin, AdminRole.StoreManager));
        return services;
    }

    /// <summary>Console policies accept only the console cookie, so a member's bearer token never opens them.</summary>
    private static void Console(AuthorizationPolicyBuilder policy, params AdminRole[] roles)
    {
        policy.AddAuthenticationSchemes(AuthSchemes.Console).RequireAuthenticatedUser();
        if (roles.Length > 0) policy.RequireRole(roles.Select(r => r.ToString()));
    }
}
