using System.Security.Claims;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using WechatLoyalty.Api.Features.Console;

namespace WechatLoyalty.Api.AdminConsole.Pages;

/// <summary>What console pages share: who is acting, which store they are confined to, and a 403 page.</summary>
public abstract class ConsolePageModel : PageModel
{
    /// <summary>The console user name: the audit trail's actor.</summary>
    protected string Actor => User.ConsoleActor();

    /// <summary>Null for admins and marketing (all stores); the own store id for store managers and clerks.</summary>
    protected long? OnlyStore => User.RestrictedStoreId();

    /// <summary>A 403 with the console's own message, not a redirect: the URL stays what was asked for.</summary>
    protected IActionResult Forbidden() =>
        new ViewResult { ViewName = "/AdminConsole/Pages/Shared/Forbidden.cshtml", StatusCode = StatusCodes.Status403Forbidden, ViewData = ViewData };

    public string? Message { get; set; }
    public string? Error { get; set; }
}
