using WechatLoyalty.Api.Infrastructure.Auth;

namespace WechatLoyalty.Api.AdminConsole;

/// <summary>A console menu entry: shown to users the policy admits. Label is the English text (localised by key).</summary>
public sealed record NavItem(string Label, string Href, string Policy, string? Section = null);

/// <summary>
/// The console's menu, in order. A new feature adds one line here and a page under Console/Pages (campaigns,
/// templates, segments and referrals slot in after "Members").
/// </summary>
public static class ConsoleNavigation
{
    public static readonly List<NavItem> Items =
    [
        new("Dashboard", "/console", Policies.BackOffice),
        new("Members", "/console/members", Policies.BackOffice),
        new("Campaigns", "/console/campaigns", Policies.Marketing),
        new("Segments", "/console/segments", Policies.Marketing),
        new("Message templates", "/console/templates", Policies.Marketing),
        new("Points promotions", "/console/promotions", Policies.Marketing),
        new("Referrals", "/console/referrals", Policies.Marketing),
        new("Clerk desk", "/console/clerk", Policies.Pos),
        new("Stores & staff", "/console/stores", Policies.StoreManagement),
        new("Programme settings", "/console/programme", Policies.Marketing),
        new("Member import", "/console/imports", Policies.Admin),
        new("Audit trail", "/console/audit", Policies.Admin),
        new("Jobs (Hangfire)", "/hangfire", Policies.Admin),
    ];
}
