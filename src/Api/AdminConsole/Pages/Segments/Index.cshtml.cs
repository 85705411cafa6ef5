using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.EntityFrameworkCore;
using WechatLoyalty.Api.Features.Campaigns;
using WechatLoyalty.Api.Infrastructure.Auth;
using WechatLoyalty.Domain.Campaigns.Segments;
using WechatLoyalty.Domain.Common;
using WechatLoyalty.Domain.Data;

namespace WechatLoyalty.Api.AdminConsole.Pages.Segments;

/// <summary>Saved segments with the audience size on demand, and delete (refused while a campaign uses the segment).</summary>
[Authorize(Policy = Policies.Marketing)]
public sealed class SegmentListModel(LoyaltyDbContext db, SegmentAudience audience, TimeProvider time, ConsoleLocalizer l) : ConsolePageModel
{
    public List<Segment> Segments { get; private set; } = [];
    public HashSet<long> InUse { get; private set; } = [];
    public long? SizedId { get; private set; }
    public AudienceSize? Size { get; private set; }

    public async Task OnGetAsync(CancellationToken ct) => await LoadAsync(ct);

    public async Task<IActionResult> OnPostSizeAsync(long id, CancellationToken ct)
    {
        var segment = await db.Segments.AsNoTracking().SingleOrDefaultAsync(s => s.Id == id, ct);
        if (segment is null) return NotFound();
        SizedId = id;
        Size = await audience.CountAsync(SegmentParser.Parse(segment.DefinitionJson), ct);
        await LoadAsync(ct);
        return Page();
    }

    public async Task<IActionResult> OnPostDeleteAsync(long id, CancellationToken ct)
    {
        try
        {
            await SegmentsApi.Delete(id, User, db, time, ct);
            Message = l["Segment deleted."];
        }
        catch (DomainException ex)
        {
            Error = ex.Kind == DomainErrorKind.Conflict ? l["A campaign uses this segment; it cannot be deleted."] : ex.Message;
            Response.StatusCode = ex.Kind switch { DomainErrorKind.NotFound => 404, DomainErrorKind.Conflict => 409, _ => 400 };
        }
        db.ChangeTracker.Clear();
        await LoadAsync(ct);
        return Page();
    }

    private async Task LoadAsync(CancellationToken ct)
    {
        Segments = await db.Segments.AsNoTracking().OrderByDescending(s => s.Id).ToListAsync(ct);
        InUse = [.. await db.Campaigns.AsNoTracking().Select(c => c.SegmentId).Distinct().ToListAsync(ct)];
    }
}
