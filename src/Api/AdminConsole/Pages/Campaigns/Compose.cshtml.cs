using Hangfire;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.EntityFrameworkCore;
using WechatLoyalty.Api.Infrastructure.Auth;
using WechatLoyalty.Domain.Campaigns;
using WechatLoyalty.Domain.Campaigns.Segments;
using WechatLoyalty.Domain.Common;
using WechatLoyalty.Domain.Data;
using WechatLoyalty.Domain.Messaging;
using WechatLoyalty.Jobs.Campaigns;

namespace WechatLoyalty.Api.AdminConsole.Pages.Campaigns;

/// <summary>
/// Compose a campaign: segment, message kind and template, field values (with {name}/{tier}/{points}), reward and
/// hold-out, then save it as a draft or schedule it now or at a programme-local time. Goes through CampaignCommands
/// and CampaignJobs exactly as the admin API does, so the rules (and the 4xx messages) are the same.
/// </summary>
[Authorize(Policy = Policies.Marketing)]
public sealed class CampaignComposeModel(
    LoyaltyDbContext db, CampaignCommands commands, IBackgroundJobClient jobs, ProgrammeClock clock, ConsoleLocalizer l) : ConsolePageModel
{
    public const int FieldRows = 5;

    public sealed class ComposeInput
    {
        public string? Name { get; set; }
        public long? SegmentId { get; set; }
        public string? MessageKind { get; set; } = CampaignCommands.DefaultKind;
        public string? TemplateId { get; set; }
        public string? Page { get; set; }
        public List<string?> FieldKeys { get; set; } = [];
        public List<string?> FieldValues { get; set; } = [];
        public int? RewardPoints { get; set; }
        public decimal? HoldoutPercent { get; set; } = CampaignCommands.DefaultHoldoutPercent;
        /// <summary>"now", "at" or "draft".</summary>
        public string When { get; set; } = "now";
        /// <summary>Programme-local date and time (the datetime-local input).</summary>
        public DateTime? At { get; set; }
    }

    [BindProperty] public ComposeInput Input { get; set; } = new();
    public List<Segment> Segments { get; private set; } = [];
    public IReadOnlyList<string> Kinds => MessageKinds.All;

    public async Task OnGetAsync(long? segment, CancellationToken ct)
    {
        await LoadAsync(ct);
        Input.SegmentId = segment ?? Segments.FirstOrDefault()?.Id;
        // The registry's campaign template as the default, so the usual case is one click fewer.
        var registered = await db.MessageTemplates.AsNoTracking().SingleOrDefaultAsync(t => t.Kind == MessageKinds.Campaign, ct);
        Input.TemplateId = registered?.OaTemplateId ?? registered?.MpTemplateId;
        Input.Page = registered?.Page;
        Input.FieldKeys = ["first", "keyword1", "remark"];
        Input.FieldValues = ["{name}，您好", "{tier}会员专享", "您当前积分 {points}"];
    }

    public async Task<IActionResult> OnPostAsync(CancellationToken ct)
    {
        Dictionary<string, string> fields = new(StringComparer.Ordinal);
        for (var i = 0; i < Input.FieldKeys.Count; i++)
        {
            var key = Input.FieldKeys[i]?.Trim();
            var value = i < Input.FieldValues.Count ? Input.FieldValues[i] : null;
            if (string.IsNullOrEmpty(key) && string.IsNullOrWhiteSpace(value)) continue;
            if (string.IsNullOrEmpty(key)) return await FailAsync(l["Every field value needs a field key."], ct);
            if (!fields.TryAdd(key, value ?? "")) return await FailAsync(l.Format("The field key {0} is given twice.", key), ct);
        }
        DateTime? at = null;
        if (Input.When == "at")
        {
            if (Input.At is not { } local) return await FailAsync(l["Choose the date and time to send at."], ct);
            at = TimeZoneInfo.ConvertTimeToUtc(DateTime.SpecifyKind(local, DateTimeKind.Unspecified), clock.Zone);
        }
        else if (Input.When is not ("now" or "draft"))
        {
            return await FailAsync(l["Choose when to send."], ct);
        }
        try
        {
            var draft = new CampaignDraft(Input.Name, Input.SegmentId, Input.MessageKind, Input.TemplateId, Input.Page, fields, Input.RewardPoints,
                Input.HoldoutPercent);
            var campaign = await commands.CreateAsync(draft, Actor, ct);
            if (Input.When != "draft")
            {
                try
                {
                    campaign = await commands.ScheduleAsync(campaign.Id, at, Actor, ct);
                    CampaignJobs.Enqueue(jobs, campaign.Id, campaign.ScheduledAt);
                }
                catch (DomainException ex)
                {
                    // The draft is saved; say why it was not scheduled, on its own page.
                    TempData["campaign-error"] = ex.Message;
                    return Redirect($"/console/campaigns/{campaign.Id}");
                }
            }
            TempData["campaign-saved"] = "1";
            return Redirect($"/console/campaigns/{campaign.Id}");
        }
        catch (DomainException ex)
        {
            if (ex.Kind == DomainErrorKind.Forbidden) return Forbidden();
            return await FailAsync(ex.Message, ct, ex.Kind == DomainErrorKind.Conflict ? 409 : 400);
        }
    }

    private async Task<IActionResult> FailAsync(string message, CancellationToken ct, int status = 400)
    {
        Error = message;
        Response.StatusCode = status;
        await LoadAsync(ct);
        return Page();
    }

    private async Task LoadAsync(CancellationToken ct) =>
        Segments = await db.Segments.AsNoTracking().OrderByDescending(s => s.Id).ToListAsync(ct);
}
