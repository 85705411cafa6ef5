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
using WechatLoyalty.Wechat.Pay;

namespace WechatLoyalty.Api.AdminConsole.Pages.Members;

/// <summary>
/// One member: profile, tier history, the latest ledger entries and payments, and (admins) a manual points
/// adjustment that goes through the ledger and the audit trail like the admin API's. A store manager asking for
/// another store's member gets a 403.
/// </summary>
[Authorize(Policy = Policies.BackOffice)]
public sealed class MemberDetailModel(
    LoyaltyDbContext db, PointsLedger ledger, ProgrammeRulesStore rulesStore, IOptions<ProgrammeOptions> programme, ConsoleLocalizer l,
    RefundService refunds, WechatPayClient pay, ILoggerFactory loggers)
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

    public bool CanRefund => User.IsInRole(nameof(AdminRole.Admin));

    public sealed class RefundInput
    {
        [Required, MaxLength(64)] public string OutTradeNo { get; set; } = "";
        [Range(0.01, 1_000_000)] public decimal AmountCny { get; set; }
        [Required, MaxLength(RefundService.MaxReason)] public string Reason { get; set; } = "";
        public Guid RequestId { get; set; }
    }

    /// <summary>
    /// Refund (part of) one of this member's payments: the admin API's own handler (RefundService writes the refund
    /// row and the audit entry, then WeChat Pay is asked), so the console and the API refuse and record alike.
    /// </summary>
    public async Task<IActionResult> OnPostRefundAsync(long id, RefundInput refund, CancellationToken ct)
    {
        if (!CanRefund) return Forbidden();
        if (await LoadAsync(id, ct) is { } denied) return denied;
        var payment = Payments.FirstOrDefault(p => p.OutTradeNo == refund.OutTradeNo)
            ?? await db.Payments.AsNoTracking().FirstOrDefaultAsync(p => p.MemberId == id && p.OutTradeNo == refund.OutTradeNo, ct);
        if (!ModelState.IsValid || payment is null || refund.RequestId == Guid.Empty || decimal.Round(refund.AmountCny, 2) != refund.AmountCny)
        {
            Error = l["Give an amount in CNY (up to two decimals) and a reason, for one of this member's payments."];
            Response.StatusCode = StatusCodes.Status400BadRequest;
            return Page();
        }
        try
        {
            var result = await Features.Payments.RefundsApi.Create(payment.OutTradeNo,
                new Features.Payments.RefundsApi.RefundRequest((long)(refund.AmountCny * 100), refund.Reason.Trim(), refund.RequestId), User, refunds, pay,
                loggers, ct);
            switch (result.Result)
            {
                case Microsoft.AspNetCore.Http.HttpResults.Accepted<Features.Payments.RefundsApi.RefundResponse> accepted:
                    TempData["adjusted"] = l.Format("Refund {0} of {1} CNY requested ({2}).", accepted.Value!.OutRefundNo,
                        (accepted.Value.AmountFen / 100m).ToString("0.00"), accepted.Value.Status);
                    return RedirectToPage(new { id });
                case Microsoft.AspNetCore.Http.HttpResults.ProblemHttpResult problem:
                    Error = problem.ProblemDetails.Title;
                    Response.StatusCode = problem.StatusCode;
                    break;
            }
        }
        catch (DomainException ex)
        {
            Error = ex.Message;
            Response.StatusCode = ex.Kind switch { DomainErrorKind.NotFound => 404, DomainErrorKind.Conflict => 409, _ => 400 };
        }
        db.ChangeTracker.Clear();
        await LoadAsync(id, ct);
        return Page();
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
