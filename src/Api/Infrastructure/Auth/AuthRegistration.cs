using Microsoft.AspNetCore.Authentication;
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

    /// <summary>The back office: dashboard and members (store managers restricted to their store).</summary>
    public const string BackOffice = "console:backoffice";

    /// <summary>In-store work: look up a member by dynamic code, record a purchase.</summary>
    public const string Pos = "console:pos";
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
                // An API answers 401/403; it does not redirect to a login page. The console's pages (/console) do.
                o.LoginPath = "/console/signin";
                o.AccessDeniedPath = "/console/forbidden";
                o.Events.OnRedirectToLogin = c => ConsoleOrStatus(c, StatusCodes.Status401Unauthorized);
                o.Events.OnRedirectToAccessDenied = c => ConsoleOrStatus(c, StatusCodes.Status403Forbidden);
            });
        services.AddOptions<JwtBearerOptions>(AuthSchemes.Member).Configure<IOptions<AuthOptions>, TimeProvider>((jwt, auth, time) =>
            jwt.TokenValidationParameters = MemberTokens.ValidationParameters(auth.Value, time));

        services.AddAuthorizationBuilder()
            .AddPolicy(Policies.Member, p => p.AddAuthenticationSchemes(AuthSchemes.Member).RequireClaim(MemberTokens.IdentityClaim))
            .AddPolicy(Policies.AnyStaff, p => Console(p))
            .AddPolicy(Policies.Admin, p => Console(p, AdminRole.Admin))
            .AddPolicy(Policies.Marketing, p => Console(p, AdminRole.Admin, AdminRole.Marketing))
            .AddPolicy(Policies.StoreManagement, p => Console(p, AdminRole.Admin, AdminRole.StoreManager))
            .AddPolicy(Policies.BackOffice, p => Console(p, AdminRole.Admin, AdminRole.Marketing, AdminRole.StoreManager))
            .AddPolicy(Policies.Pos, p => Console(p, AdminRole.Admin, AdminRole.StoreManager, AdminRole.Clerk));
        return services;
    }

    private static Task ConsoleOrStatus(RedirectContext<CookieAuthenticationOptions> context, int status)
    {
        if (context.Request.Path.StartsWithSegments("/console") && HttpMethods.IsGet(context.Request.Method))
            context.Response.Redirect(context.RedirectUri);
        else
            context.Response.StatusCode = status;
        return Task.CompletedTask;
    }

    /// <summary>Console policies accept only the console cookie, so a member's bearer token never opens them.</summary>
    private static void Console(AuthorizationPolicyBuilder policy, params AdminRole[] roles)
    {
        policy.AddAuthenticationSchemes(AuthSchemes.Console).RequireAuthenticatedUser();
        if (roles.Length > 0) policy.RequireRole(roles.Select(r => r.ToString()));
    }
}
