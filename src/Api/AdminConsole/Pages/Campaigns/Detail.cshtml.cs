using Hangfire;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.EntityFrameworkCore;
using WechatLoyalty.Api.Infrastructure.Auth;
using WechatLoyalty.Domain.Campaigns;
using WechatLoyalty.Domain.Common;
using WechatLoyalty.Domain.Data;
using WechatLoyalty.Jobs.Campaigns;

namespace WechatLoyalty.Api.AdminConsole.Pages.Campaigns;

/// <summary>
/// One campaign: what it sends, its state with the moves that state allows (schedule a draft, unschedule, pause,
/// resume, cancel), and its results (targeted, sent, failed by reason, delivered, conversion vs hold-out), with a CSV.
/// </summary>
[Authorize(Policy = Policies.Marketing)]
public sealed class CampaignDetailModel(
    LoyaltyDbContext db, CampaignCommands commands, CampaignResults results, IBackgroundJobClient jobs, ConsoleLocalizer l) : ConsolePageModel
{
    public Campaign? Campaign { get; private set; }
    public string? SegmentName { get; private set; }
    public IReadOnlyDictionary<string, string> Fields { get; private set; } = new Dictionary<string, string>();
    public CampaignResult? Result { get; private set; }

    public bool Can(CampaignStatus to) => Campaign is { } c && CampaignStates.CanMove(c.Status, to)
        && (to != CampaignStatus.Sending || c.Status == CampaignStatus.Paused);

    public async Task<IActionResult> OnGetAsync(long id, CancellationToken ct)
    {
        // Set by the compose page's post-redirect-get (not taken from the URL, so no one can put words on this page).
        if (TempData["campaign-saved"] as string == "1") Message = l["Campaign saved."];
        Error = TempData["campaign-error"] as string;
        return await LoadAsync(id, ct) ? Page() : NotFound();
    }

    public async Task<IActionResult> OnGetCsvAsync(long id, CancellationToken ct)
    {
        if (!await LoadAsync(id, ct)) return NotFound();
        var r = Result!;
        var rows = new List<object?[]>
        {
            new object?[] { "targeted", r.Targeted }, new object?[] { "held_out", r.HeldOut }, new object?[] { "pending", r.Pending },
            new object?[] { "sent", r.Sent }, new object?[] { "delivered", r.Delivered }, new object?[] { "undeliverable", r.Undeliverable },
            new object?[] { "failed", r.Failed },
        };
        rows.AddRange(r.NotSentByReason.OrderBy(x => x.Key).Select(x => new object?[] { "not_sent:" + x.Key, x.Value }));
        rows.Add(["converted_members", r.Conversion.Converted]);
        rows.Add(["conversion_rate_percent", r.Conversion.RatePercent]);
        rows.Add(["converted_spend_cny", r.Conversion.SpendFen / 100m]);
        rows.Add(["holdout_converted_members", r.HoldoutConversion.Converted]);
        rows.Add(["holdout_conversion_rate_percent", r.HoldoutConversion.RatePercent]);
        rows.Add(["holdout_spend_cny", r.HoldoutConversion.SpendFen / 100m]);
        rows.Add(["uplift_points", r.UpliftPoints]);
        return ConsoleCsv.File($"campaign-{id}-results.csv", ["figure", "value"], rows);
    }

    public Task<IActionResult> OnPostScheduleAsync(long id, CancellationToken ct) => MoveAsync(id, async () =>
    {
        var c = await commands.ScheduleAsync(id, null, Actor, ct);
        CampaignJobs.Enqueue(jobs, c.Id, c.ScheduledAt);
    }, ct);

    public Task<IActionResult> OnPostUnscheduleAsync(long id, CancellationToken ct) => MoveAsync(id, () => commands.UnscheduleAsync(id, Actor, ct), ct);

    public Task<IActionResult> OnPostPauseAsync(long id, CancellationToken ct) => MoveAsync(id, () => commands.PauseAsync(id, Actor, ct), ct);

    public Task<IActionResult> OnPostResumeAsync(long id, CancellationToken ct) => MoveAsync(id, async () =>
    {
        var c = await commands.ResumeAsync(id, Actor, ct);
        CampaignJobs.Enqueue(jobs, c.Id, null);
    }, ct);

    public Task<IActionResult> OnPostCancelAsync(long id, CancellationToken ct) => MoveAsync(id, () => commands.CancelAsync(id, Actor, ct), ct);

    private async Task<IActionResult> MoveAsync(long id, Func<Task> move, CancellationToken ct)
    {
        try
        {
            await move();
            // Post/redirect/get: a reload does not repeat the move.
            return Redirect($"/console/campaigns/{id}");
        }
        catch (DomainException ex)
        {
            if (ex.Kind == DomainErrorKind.NotFound) return NotFound();
            Error = ex.Message;
            Response.StatusCode = ex.Kind == DomainErrorKind.Conflict ? 409 : 400;
        }
        db.ChangeTracker.Clear();
        return await LoadAsync(id, ct) ? Page() : NotFound();
    }

    private async Task<bool> LoadAsync(long id, CancellationToken ct)
    {
        Campaign = await db.Campaigns.AsNoTracking().SingleOrDefaultAsync(c => c.Id == id, ct);
        if (Campaign is null) return false;
        SegmentName = await db.Segments.AsNoTracking().Where(s => s.Id == Campaign.SegmentId).Select(s => s.Name).SingleOrDefaultAsync(ct);
        Fields = CampaignFields.Deserialize(Campaign.FieldsJson);
        Result = await results.GetAsync(id, ct);
        return true;
    }
}
