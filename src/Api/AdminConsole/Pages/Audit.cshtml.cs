using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.EntityFrameworkCore;
using WechatLoyalty.Api.Infrastructure.Auth;
using WechatLoyalty.Domain.Admin;
using WechatLoyalty.Domain.Data;

namespace WechatLoyalty.Api.AdminConsole.Pages;

/// <summary>The audit trail, newest first, filtered by action, actor or record (type:id); keyset-paged by id.</summary>
[Authorize(Policy = Policies.Admin)]
public sealed class AuditModel(LoyaltyDbContext db) : ConsolePageModel
{
    public const int PageSize = 100;

    public static IReadOnlyList<string> KnownActions => AuditActions.All;

    [BindProperty(SupportsGet = true, Name = "action")] public string? ActionFilter { get; set; }
    [BindProperty(SupportsGet = true, Name = "actor")] public string? ActorFilter { get; set; }
    [BindProperty(SupportsGet = true, Name = "entity")] public string? EntityFilter { get; set; }
    [BindProperty(SupportsGet = true, Name = "before")] public long? BeforeId { get; set; }

    public List<AuditEntry> Entries { get; private set; } = [];
    public string OlderLink { get; private set; } = "";

    /// <summary>The filtered page as CSV (same filters and keyset as the table shown).</summary>
    public async Task<IActionResult> OnGetCsvAsync(CancellationToken ct)
    {
        await OnGetAsync(ct);
        return ConsoleCsv.File("audit.csv", ["id", "at_utc", "actor", "action", "entity_type", "entity_id", "before", "after"],
            Entries.Select(e => new object?[] { e.Id, e.At, e.Actor, e.Action, e.EntityType, e.EntityId, e.BeforeJson, e.AfterJson }));
    }

    public async Task OnGetAsync(CancellationToken ct)
    {
        var query = db.AuditLog.AsNoTracking();
        if (!string.IsNullOrWhiteSpace(ActionFilter)) query = query.Where(e => e.Action == ActionFilter.Trim());
        if (!string.IsNullOrWhiteSpace(ActorFilter)) query = query.Where(e => e.Actor == ActorFilter.Trim());
        if (EntityFilter?.Split(':', 2) is [var type, var id] && type.Length > 0)
            query = query.Where(e => e.EntityType == type.Trim() && e.EntityId == id.Trim());
        else if (!string.IsNullOrWhiteSpace(EntityFilter))
            query = query.Where(e => e.EntityType == EntityFilter.Trim());
        if (BeforeId is { } before) query = query.Where(e => e.Id < before);
        Entries = await query.OrderByDescending(e => e.Id).Take(PageSize).ToListAsync(ct);
        if (Entries.Count > 0)
        {
            OlderLink = $"/console/audit?action={Uri.EscapeDataString(ActionFilter ?? "")}&actor={Uri.EscapeDataString(ActorFilter ?? "")}"
                + $"&entity={Uri.EscapeDataString(EntityFilter ?? "")}&before={Entries[^1].Id}";
        }
    }
}
