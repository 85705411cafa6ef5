using System.Text;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.EntityFrameworkCore;
using WechatLoyalty.Api.Infrastructure.Auth;
using WechatLoyalty.Domain.Admin.Imports;
using WechatLoyalty.Domain.Data;

namespace WechatLoyalty.Api.AdminConsole.Pages.Imports;

/// <summary>One import: its progress (polled as JSON while the job runs) and, when rejected, its error report.</summary>
[Authorize(Policy = Policies.Admin)]
public sealed class ImportDetailModel(LoyaltyDbContext db, ConsoleLocalizer l) : ConsolePageModel
{
    public MemberImport? Import { get; private set; }
    [BindProperty(SupportsGet = true)] public bool Again { get; set; }

    public async Task<IActionResult> OnGetAsync(long id, CancellationToken ct)
    {
        Import = await db.MemberImports.AsNoTracking().SingleOrDefaultAsync(i => i.Id == id, ct);
        return Import is null ? NotFound() : Page();
    }

    public async Task<IActionResult> OnGetProgressAsync(long id, CancellationToken ct)
    {
        var p = await db.MemberImports.AsNoTracking().Where(i => i.Id == id)
            .Select(i => new { i.Status, i.TotalRows, i.ProcessedRows, i.ImportedRows, i.SkippedRows, i.ErrorRows, HasReport = i.ErrorReport != null, i.Failure })
            .SingleOrDefaultAsync(ct);
        if (p is null) return NotFound();
        var finished = p.Status is MemberImportStatus.Completed or MemberImportStatus.Rejected or MemberImportStatus.Failed;
        return new JsonResult(new
        {
            status = p.Status.ToString(), statusText = l[p.Status.ToString()], p.TotalRows, p.ProcessedRows, p.ImportedRows, p.SkippedRows, p.ErrorRows,
            p.HasReport, p.Failure, finished,
        });
    }

    public async Task<IActionResult> OnGetErrorsAsync(long id, CancellationToken ct)
    {
        var report = await db.MemberImports.AsNoTracking().Where(i => i.Id == id).Select(i => i.ErrorReport).SingleOrDefaultAsync(ct);
        return report is null ? NotFound() : File(Encoding.UTF8.GetBytes(report), "text/csv; charset=utf-8", $"import-{id}-errors.csv");
    }
}
