using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Mvc;
using WechatLoyalty.Api.Features.Console;
using WechatLoyalty.Api.Infrastructure.Auth;
using WechatLoyalty.Domain.Admin;

namespace WechatLoyalty.Api.AdminConsole.Pages;

public sealed class SignInModel(ConsoleSignIn signIn, ConsoleLocalizer l) : ConsolePageModel
{
    [BindProperty] public string UserName { get; set; } = "";
    [BindProperty] public string Password { get; set; } = "";
    [BindProperty(SupportsGet = true)] public string? ReturnUrl { get; set; }

    public void OnGet()
    {
    }

    public async Task<IActionResult> OnPostAsync(CancellationToken ct)
    {
        if (string.IsNullOrWhiteSpace(UserName) || string.IsNullOrEmpty(Password) || UserName.Length > 64 || Password.Length > 200)
        {
            Error = l["Enter your user name and password."];
            return Page();
        }
        var outcome = await signIn.SignInAsync(HttpContext, UserName.Trim(), Password, ct);
        if (outcome.User is not { } user)
        {
            Error = outcome.LockedUntil is { } until
                ? l.Format("Too many failed sign-ins; try again after {0:HH:mm} UTC.", until)
                : l["The user name or password is wrong."];
            Response.StatusCode = StatusCodes.Status401Unauthorized;
            return Page();
        }
        if (ReturnUrl is { Length: > 1 } r && Url.IsLocalUrl(r) && r.StartsWith("/console", StringComparison.Ordinal)) return LocalRedirect(r);
        // Clerks have one page; everyone else starts on the dashboard.
        return LocalRedirect(user.Role == AdminRole.Clerk ? "/console/clerk" : "/console");
    }
}

public sealed class SignOutModel : ConsolePageModel
{
    public async Task<IActionResult> OnPostAsync()
    {
        await HttpContext.SignOutAsync(AuthSchemes.Console);
        return LocalRedirect("/console/signin");
    }
}
