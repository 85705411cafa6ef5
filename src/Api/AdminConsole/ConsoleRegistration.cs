using WechatLoyalty.Api.Features.Console;
using WechatLoyalty.Api.Infrastructure.Auth;

namespace WechatLoyalty.Api.AdminConsole;

/// <summary>
/// The web console at <c>/console</c>: Razor Pages rendered on the server (a little JS for charts and polling),
/// signed in with the console cookie, zh-CN by default with an English switch. Pages live in Console/Pages and
/// declare their absolute route (<c>@page "/console/..."</c>); every page needs a console account unless it says otherwise.
/// </summary>
internal static class ConsoleRegistration
{
    public static IServiceCollection AddConsole(this IServiceCollection services)
    {
        services.AddHttpContextAccessor();
        services.AddScoped<ConsoleSignIn>();
        services.AddScoped<ConsoleLocalizer>();
        services.AddScoped<MemberSections>();
        services.AddRazorPages(o =>
        {
            o.RootDirectory = "/AdminConsole/Pages";
            o.Conventions.AuthorizeFolder("/", Policies.AnyStaff);
            o.Conventions.AllowAnonymousToPage("/SignIn");
            o.Conventions.AllowAnonymousToPage("/Forbidden");
        });
        return services;
    }

    public static WebApplication MapConsole(this WebApplication app)
    {
        app.UseStaticFiles();
        app.MapRazorPages();
        app.MapGet("/console/lang/{code}", (string code, string? returnUrl, HttpContext http) =>
        {
            var culture = ConsoleLocalizer.Normalise(code);
            http.Response.Cookies.Append(ConsoleLocalizer.CookieName, culture,
                new CookieOptions { HttpOnly = true, SameSite = SameSiteMode.Lax, MaxAge = TimeSpan.FromDays(365), Path = "/console" });
            // Only a local path: the switch must not become an open redirect.
            var target = returnUrl is { Length: > 1 } r && r.StartsWith("/console", StringComparison.Ordinal) && !r.StartsWith("//", StringComparison.Ordinal)
                ? r : "/console";
            return Results.LocalRedirect(target);
        }).AllowAnonymous().ExcludeFromDescription();
        return app;
    }
}
