using System.Text;
using Hangfire;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.EntityFrameworkCore;
using WechatLoyalty.Api.Infrastructure.Auth;
using WechatLoyalty.Domain.Admin.Imports;
using WechatLoyalty.Domain.Common;
using WechatLoyalty.Domain.Data;
using WechatLoyalty.Jobs.Admin;

namespace WechatLoyalty.Api.AdminConsole.Pages.Imports;

/// <summary>
/// Bulk import of an existing member base: upload (kept, idempotent by the file's hash), then a Hangfire job
/// validates and imports it; the import's page shows progress and the error report.
/// </summary>
[Authorize(Policy = Policies.Admin)]
[RequestSizeLimit(MemberImportService.MaxFileBytes + 64 * 1024)]
[RequestFormLimits(MultipartBodyLengthLimit = MemberImportService.MaxFileBytes + 64 * 1024)]
public sealed class ImportsModel(LoyaltyDbContext db, MemberImportService imports, IBackgroundJobClient jobs, ConsoleLocalizer l) : ConsolePageModel
{
    public sealed record Row(long Id, string FileName, MemberImportStatus Status, int TotalRows, int ImportedRows, int SkippedRows, int ErrorRows, string CreatedBy, DateTime CreatedAt);

    public List<Row> Recent { get; private set; } = [];

    public async Task OnGetAsync(CancellationToken ct) => await LoadAsync(ct);

    public IActionResult OnGetTemplate() =>
        File(Encoding.UTF8.GetPreamble().Concat(Encoding.UTF8.GetBytes(
            "phone,name,birthday,tier,points,join_date\r\n13800138000,张三,1990-05-20,silver,1200,2023-03-01\r\n")).ToArray(),
            "text/csv; charset=utf-8", "member-import-template.csv");

    public async Task<IActionResult> OnPostAsync(IFormFile? file, CancellationToken ct)
    {
        if (file is null || file.Length == 0)
        {
            Error = l["Choose a CSV file."];
            Response.StatusCode = StatusCodes.Status400BadRequest;
            await LoadAsync(ct);
            return Page();
        }
        try
        {
            using var buffer = new MemoryStream();
            await file.CopyToAsync(buffer, ct);
            var (import, created) = await imports.UploadAsync(file.FileName, buffer.ToArray(), Actor, ct);
            // A re-upload of the same file shows the first import (and its outcome) rather than importing again.
            if (created) jobs.Enqueue<MemberImportJob>(j => j.RunAsync(import.Id, CancellationToken.None));
            return Redirect($"/console/imports/{import.Id}{(created ? "" : "?again=true")}");
        }
        catch (DomainException ex)
        {
            Error = ex.Message;
            Response.StatusCode = StatusCodes.Status400BadRequest;
            await LoadAsync(ct);
            return Page();
        }
    }

    private async Task LoadAsync(CancellationToken ct) =>
        Recent = await db.MemberImports.AsNoTracking().OrderByDescending(i => i.Id).Take(20)
            .Select(i => new Row(i.Id, i.FileName, i.Status, i.TotalRows, i.ImportedRows, i.SkippedRows, i.ErrorRows, i.CreatedBy, i.CreatedAt))
            .ToListAsync(ct);
}
