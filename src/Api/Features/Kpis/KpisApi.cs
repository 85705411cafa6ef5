using System.Globalization;
using System.Security.Claims;
using System.Text;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using WechatLoyalty.Api.Features.Console;
using WechatLoyalty.Api.Infrastructure.Auth;
using WechatLoyalty.Domain.Admin;
using WechatLoyalty.Domain.Common;
using WechatLoyalty.Domain.Data;
using WechatLoyalty.Domain.Kpis;

namespace WechatLoyalty.Api.Features.Kpis;

/// <summary>
/// The KPI dashboard's numbers (loyalty-rules.md §7) as JSON panels and CSV tables. Marketing and admins see
/// every store; a store manager sees their own store only (another store is a 403); clerks are refused.
/// </summary>
internal static class KpisApi
{
    /// <summary>Panel ids are lower-case words and dashes, so "{id}.csv" never reaches the JSON route.</summary>
    private const string IdPattern = "regex(^[a-z][a-z0-9-]{{0,63}}$)";

    public static IServiceCollection AddKpisApi(this IServiceCollection services)
    {
        services.AddKpis();
        services.AddValidatedOptions<LifecycleThresholds>(LifecycleThresholds.Section)
            .Validate(t => t.DormantDays > t.ActiveDays, "Kpis:Lifecycle:DormantDays must be greater than ActiveDays.");
        return services;
    }

    public static RouteGroupBuilder MapKpisApi(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/api/admin/kpis").WithTags("KPIs").RequireAuthorization(p => p
            .AddAuthenticationSchemes(AuthSchemes.Console).RequireAuthenticatedUser()
            .RequireRole(nameof(AdminRole.Admin), nameof(AdminRole.Marketing), nameof(AdminRole.StoreManager)));
        group.MapGet("/", List).WithSummary("The KPI panels with their definitions (zh-CN and English).");
        group.MapGet($"/{{id:{IdPattern}}}", Get)
            .WithSummary("One panel: series, figures and table for from..to (programme days), a store and a grain (day, week, month).");
        group.MapGet($"/{{id:{IdPattern}}}.csv", Csv).WithSummary("The panel's table as CSV (UTF-8 with BOM, opens in Excel).");
        return group;
    }

    internal static Ok<IReadOnlyList<KpiPanelInfo>> List(KpiCatalog catalog) => TypedResults.Ok(catalog.List);

    internal static async Task<Ok<KpiResult>> Get(string id, string? from, string? to, string? storeId, string? grain,
        ClaimsPrincipal user, KpiCatalog catalog, LoyaltyDbContext db, ProgrammeClock clock, IOptions<ProgrammeOptions> programme, CancellationToken ct)
    {
        var (panel, query) = await PrepareAsync(id, from, to, storeId, grain, user, catalog, db, clock, programme.Value, ct);
        return TypedResults.Ok(await panel.ComputeAsync(query, ct));
    }

    internal static async Task<FileContentHttpResult> Csv(string id, string? from, string? to, string? storeId, string? grain,
        ClaimsPrincipal user, KpiCatalog catalog, LoyaltyDbContext db, ProgrammeClock clock, IOptions<ProgrammeOptions> programme, CancellationToken ct)
    {
        var (panel, query) = await PrepareAsync(id, from, to, storeId, grain, user, catalog, db, clock, programme.Value, ct);
        var result = await panel.ComputeAsync(query, ct);
        var name = string.Create(CultureInfo.InvariantCulture, $"{result.Id}_{query.From:yyyyMMdd}-{query.To:yyyyMMdd}{(query.StoreId is { } s ? $"_store{s}" : "")}.csv");
        return TypedResults.File(KpiCsv.Write(result), "text/csv; charset=utf-8", name);
    }

    private static async Task<(KpiPanel Panel, KpiQuery Query)> PrepareAsync(string id, string? from, string? to, string? storeId, string? grain,
        ClaimsPrincipal user, KpiCatalog catalog, LoyaltyDbContext db, ProgrammeClock clock, ProgrammeOptions programme, CancellationToken ct)
    {
        var panel = catalog.Find(id) ?? throw new DomainException("kpi.unknown", $"No KPI panel '{id}'.", DomainErrorKind.NotFound);
        var toDay = to is null ? clock.Today : ParseDay(to, "to");
        var fromDay = from is null ? toDay.AddDays(-29) : ParseDay(from, "from");
        var kpiGrain = grain switch
        {
            null or "" or "day" => KpiGrain.Day,
            "week" => KpiGrain.Week,
            "month" => KpiGrain.Month,
            _ => throw new DomainException("kpi.grain", "'grain' must be day, week or month."),
        };
        long? store = null;
        if (!string.IsNullOrEmpty(storeId))
        {
            if (!long.TryParse(storeId, NumberStyles.None, CultureInfo.InvariantCulture, out var parsed) || parsed <= 0)
                throw new DomainException("kpi.store", "'storeId' must be a store id (a positive whole number).");
            store = parsed;
        }
        // A store manager's numbers are their store's, whether they name it or not.
        if (user.RestrictedStoreId() is { } own)
        {
            if (store is not null && store != own)
                throw new DomainException("store.forbidden", "You can see your own store only.", DomainErrorKind.Forbidden);
            store = own;
        }
        else if (store is { } named && !await db.Stores.AnyAsync(s => s.Id == named, ct))
        {
            throw new DomainException("store.unknown", "No such store.", DomainErrorKind.NotFound);
        }
        return (panel, new KpiQuery(fromDay, toDay, store, kpiGrain, programme.Preset).Validated());
    }

    private static DateOnly ParseDay(string value, string name) =>
        DateOnly.TryParseExact(value, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var day)
            ? day
            : throw new DomainException("kpi.date", $"'{name}' must be a date as YYYY-MM-DD.");
}

/// <summary>A panel's table as CSV: UTF-8 with a BOM (Excel then reads Chinese correctly), RFC 4180 quoting.</summary>
internal static class KpiCsv
{
    public static byte[] Write(KpiResult result)
    {
        var csv = new StringBuilder();
        var table = result.Table ?? new KpiTable([], [], []);
        Line(csv, table.Columns.Select((c, i) => i < table.ColumnsEn.Count && table.ColumnsEn[i] != c ? $"{c} ({table.ColumnsEn[i]})" : c));
        foreach (var row in table.Rows) Line(csv, row.Select(Cell));
        var bom = Encoding.UTF8.GetPreamble();
        var body = Encoding.UTF8.GetBytes(csv.ToString());
        return [.. bom, .. body];
    }

    private static string Cell(object? value) => value switch
    {
        null => "",
        decimal d => d.ToString(CultureInfo.InvariantCulture),
        IFormattable f => f.ToString(null, CultureInfo.InvariantCulture),
        // A text cell starting like a formula is written as text, so opening the file cannot run it.
        string s when s.Length > 0 && "=+-@\t\r".Contains(s[0], StringComparison.Ordinal) => "'" + s,
        _ => value.ToString() ?? "",
    };

    private static void Line(StringBuilder csv, IEnumerable<string> cells)
    {
        csv.AppendJoin(',', cells.Select(c => c.AsSpan().IndexOfAny(",\"\r\n") >= 0 ? $"\"{c.Replace("\"", "\"\"", StringComparison.Ordinal)}\"" : c));
        csv.Append("\r\n");
    }
}
