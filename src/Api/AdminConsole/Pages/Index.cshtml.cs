using System.Globalization;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.EntityFrameworkCore;
using WechatLoyalty.Api.Infrastructure.Auth;
using WechatLoyalty.Domain.Common;
using WechatLoyalty.Domain.Data;

namespace WechatLoyalty.Api.AdminConsole.Pages;

/// <summary>
/// The KPI dashboard. The page holds the filters; the panels come from <c>GET /api/admin/kpis</c> (list) and
/// <c>/api/admin/kpis/{id}</c> (data), fetched by dashboard.js and drawn with ECharts. Store managers are held to
/// their own store here and again by the KPI API.
/// </summary>
[Authorize(Policy = Policies.BackOffice)]
public sealed class DashboardModel(LoyaltyDbContext db, ProgrammeClock clock) : ConsolePageModel
{
    [BindProperty(SupportsGet = true, Name = "from")] public DateOnly? FromQuery { get; set; }
    [BindProperty(SupportsGet = true, Name = "to")] public DateOnly? ToQuery { get; set; }
    [BindProperty(SupportsGet = true, Name = "storeId")] public long? StoreQuery { get; set; }
    [BindProperty(SupportsGet = true, Name = "grain")] public string? GrainQuery { get; set; }

    public DateOnly From { get; private set; }
    public DateOnly To { get; private set; }
    public long? StoreId { get; private set; }
    public string Grain { get; private set; } = "day";
    public bool CanSeeAllStores => OnlyStore is null;
    public List<(long Id, string Code, string Name)> Stores { get; private set; } = [];
    public string Query { get; private set; } = "";

    public async Task<IActionResult> OnGetAsync(CancellationToken ct)
    {
        To = ToQuery ?? clock.Today;
        From = FromQuery ?? To.AddDays(-29);
        if (From > To) (From, To) = (To, From);
        Grain = GrainQuery is "week" or "month" ? GrainQuery : "day";
        if (OnlyStore is { } own)
        {
            if (StoreQuery is not null && StoreQuery != own) return Forbidden();
            StoreId = own;
        }
        else StoreId = StoreQuery;
        Stores = (await db.Stores.AsNoTracking().Where(s => OnlyStore == null || s.Id == OnlyStore).OrderBy(s => s.Code)
            .Select(s => new { s.Id, s.Code, s.Name }).ToListAsync(ct)).Select(s => (s.Id, s.Code, s.Name)).ToList();
        Query = $"from={From.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture)}&to={To.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture)}"
            + (StoreId is { } s ? $"&storeId={s}" : "") + $"&grain={Grain}";
        return Page();
    }
}
