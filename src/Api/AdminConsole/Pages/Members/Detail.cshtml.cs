using System.ComponentModel.DataAnnotations;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using WechatLoyalty.Api.Features.Points;
using WechatLoyalty.Api.Infrastructure.Auth;
using WechatLoyalty.Domain.Admin;
using WechatLoyalty.Domain.Common;
using WechatLoyalty.Domain.Data;
using WechatLoyalty.Domain.Members;
using WechatLoyalty.Domain.Payments;
using WechatLoyalty.Domain.Points;
using WechatLoyalty.Domain.Programme;
using WechatLoyalty.Jobs.Hosting;

namespace WechatLoyalty.Api.AdminConsole.Pages.Members;

/// <summary>
/// One member: profile, tier history, the latest ledger entries and payments, and (admins) a manual points
/// adjustment that goes through the ledger and the audit trail like the admin API's. A store manager asking for
/// another store's member gets a 403.
/// </summary>
[Authorize(Policy = Policies.BackOffice)]
public sealed class MemberDetailModel(
    LoyaltyDbContext db, PointsLedger ledger, ProgrammeRulesStore rulesStore, IOptions<ProgrammeOptions> programme, ConsoleLocalizer l)
    : ConsolePageModel
{
    public const int Rows = 50;

    /// <summary>Partials rendered after the built-in sections; features append theirs (e.g. referrals, messages).</summary>
    public static readonly List<(string Key, string Partial)> ExtraSections = [("referrals", "_MemberReferrals"), ("messages", "_MemberMessages")];

    public Member? Member { get; private set; }
    public string? StoreName { get; private set; }
    public List<TierChange> Tiers { get; private set; } = [];
    public List<PointEntry> Ledger { get; private set; } = [];
    public List<Payment> Payments { get; private set; } = [];
    public bool CanAdjust => User.IsInRole(nameof(AdminRole.Admin));

    public async Task<IActionResult> OnGetAsync(long id, CancellationToken ct) => await LoadAsync(id, ct) ?? Page();

    public sealed class AdjustInput
    {
        [Range(-1_000_000, 1_000_000)] public long Points { get; set; }
        [Required, MaxLength(200)] public string Reason { get; set; } = "";
        public Guid RequestId { get; set; }
        public bool AllowNegativeBalance { get; set; }
    }

    public async Task<IActionResult> OnPostAdjustAsync(long id, AdjustInput input, CancellationToken ct)
    {
        if (!CanAdjust) return Forbidden();
        if (await LoadAsync(id, ct) is { } denied) return denied;
        if (!ModelState.IsValid || input.Points == 0 || string.IsNullOrWhiteSpace(input.Reason) || input.RequestId == Guid.Empty)
        {
            Error = l["Give a non-zero number of points (up to ±1,000,000) and a reason."];
            Response.StatusCode = StatusCodes.Status400BadRequest;
            return Page();
        }
        try
        {
            var result = await PointsApi.AdjustAuditedAsync(id, new PointsApi.AdjustmentRequest(input.Points, input.Reason, input.RequestId, input.AllowNegativeBalance),
                User, db, ledger, rulesStore, programme.Value.Preset, ct);
            // Post-redirect-get: a refresh does not post again (and the request id would make it harmless anyway).
            TempData["adjusted"] = l.Format("Adjusted by {0}; the balance is now {1}.", result.Delta, result.BalanceAfter);
            return RedirectToPage(new { id });
        }
        catch (DomainException ex)
        {
            Error = ex.Message;
            Response.StatusCode = ex.Kind == DomainErrorKind.Conflict ? StatusCodes.Status409Conflict : StatusCodes.Status400BadRequest;
            db.ChangeTracker.Clear();
            await LoadAsync(id, ct);
            return Page();
        }
    }

    /// <summary>Loads the member and their history; a result (404/403) when the caller may not see them.</summary>
    private async Task<IActionResult?> LoadAsync(long id, CancellationToken ct)
    {
        Member = await db.Members.AsNoTracking().SingleOrDefaultAsync(m => m.Id == id && m.DeletedAt == null, ct);
        if (Member is null) return NotFound();
        if (OnlyStore is { } own && Member.StoreId != own) return Forbidden();
        Message ??= TempData["adjusted"] as string;
        StoreName = Member.StoreId is { } s ? await db.Stores.Where(x => x.Id == s).Select(x => x.Code + " · " + x.Name).FirstOrDefaultAsync(ct) : null;
        Tiers = await db.TierChanges.AsNoTracking().Where(t => t.MemberId == id).OrderByDescending(t => t.ChangedAt).ThenByDescending(t => t.Id).Take(Rows).ToListAsync(ct);
        Ledger = await db.PointEntries.AsNoTracking().Where(e => e.MemberId == id).OrderByDescending(e => e.Id).Take(Rows).ToListAsync(ct);
        Payments = await db.Payments.AsNoTracking().Where(p => p.MemberId == id).OrderByDescending(p => p.PaidAt).Take(Rows).ToListAsync(ct);
        return null;
    }
}
