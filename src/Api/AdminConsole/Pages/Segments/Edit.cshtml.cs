using System.Text.Json;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using WechatLoyalty.Api.Features.Campaigns;
using WechatLoyalty.Api.Infrastructure.Auth;
using WechatLoyalty.Domain.Campaigns.Segments;
using WechatLoyalty.Domain.Common;
using WechatLoyalty.Domain.Data;
using WechatLoyalty.Domain.Programme;
using WechatLoyalty.Jobs.Hosting;

namespace WechatLoyalty.Api.AdminConsole.Pages.Segments;

/// <summary>
/// Create or edit a segment: name, description and the definition, built with a form of rules (segment-builder.js)
/// that writes the same strict JSON the API takes, which stays visible and editable as the advanced way; "Preview
/// audience" counts the members in SQL without saving. Saving goes through SegmentsApi's own create/update so the
/// checks cannot drift apart.
/// </summary>
[Authorize(Policy = Policies.Marketing)]
public sealed class SegmentEditModel(
    LoyaltyDbContext db, SegmentAudience audience, IOptions<ProgrammeOptions> programme, ProgrammeRulesStore rules, TimeProvider time,
    ConsoleLocalizer l) : ConsolePageModel
{
    public static readonly (string Title, string Json)[] Examples =
    [
        ("Gold or diamond members", """{ "type": "tier", "in": ["GOLD", "DIAMOND"] }"""),
        ("Dormant, or not following the OA", """{ "type": "or", "rules": [ { "type": "lifecycle", "in": ["dormant"] }, { "type": "followsOa", "value": false } ] }"""),
        ("Bought in the last 30 days, spent ≥ ¥500 in 90 days", """{ "type": "and", "rules": [ { "type": "lastPurchase", "withinDays": 30 }, { "type": "netSpend", "minFen": 50000, "days": 90 } ] }"""),
        ("Joined in 2026 at store 1", """{ "type": "and", "rules": [ { "type": "joined", "from": "2026-01-01", "to": "2026-12-31" }, { "type": "store", "in": [1] } ] }"""),
        ("Birthday in March, ≥ 1000 points", """{ "type": "and", "rules": [ { "type": "birthdayMonth", "in": [3] }, { "type": "pointsBalance", "min": 1000 } ] }"""),
        ("Points expiring before a date", """{ "type": "pointsExpiring", "before": "2026-12-31", "min": 100 }"""),
        ("Referred at least 2 friends, 3+ orders in 180 days", """{ "type": "and", "rules": [ { "type": "referrals", "min": 2 }, { "type": "orderCount", "min": 3, "days": 180 } ] }"""),
    ];

    public long? Id { get; private set; }
    [BindProperty] public string? Name { get; set; }
    [BindProperty] public string? Description { get; set; }
    [BindProperty] public string? Definition { get; set; }
    public AudienceSize? Size { get; private set; }

    /// <summary>Tiers, stores and labels for the rules form.</summary>
    public string BuilderJson { get; private set; } = "{}";

    public override async Task OnPageHandlerExecutionAsync(
        Microsoft.AspNetCore.Mvc.Filters.PageHandlerExecutingContext context, Microsoft.AspNetCore.Mvc.Filters.PageHandlerExecutionDelegate next)
    {
        BuilderJson = await SegmentBuilderData.JsonAsync(db, rules, programme.Value.Preset, l, HttpContext.RequestAborted);
        await next();
    }

    public async Task<IActionResult> OnGetAsync(long? id, CancellationToken ct)
    {
        Id = id;
        if (id is null)
        {
            Definition = Examples[0].Json;
            return Page();
        }
        var segment = await db.Segments.AsNoTracking().SingleOrDefaultAsync(s => s.Id == id, ct);
        if (segment is null) return NotFound();
        (Name, Description) = (segment.Name, segment.Description);
        Definition = JsonSerializer.Serialize(JsonDocument.Parse(segment.DefinitionJson).RootElement, Indented);
        return Page();
    }

    public async Task<IActionResult> OnPostPreviewAsync(long? id, CancellationToken ct)
    {
        Id = id;
        try
        {
            var node = await audience.ParseAndCheckAsync(ParseDefinition().GetRawText(), programme.Value.Preset, ct);
            Size = await audience.CountAsync(node, ct);
        }
        catch (DomainException ex)
        {
            Fail(ex);
        }
        return Page();
    }

    public async Task<IActionResult> OnPostSaveAsync(long? id, CancellationToken ct)
    {
        Id = id;
        try
        {
            var request = new SegmentsApi.SegmentRequest(Name, Description, ParseDefinition());
            if (id is { } existing) await SegmentsApi.Update(existing, request, User, db, audience, programme, time, ct);
            else await SegmentsApi.Create(request, User, db, audience, programme, time, ct);
            return Redirect("/console/segments");
        }
        catch (DomainException ex)
        {
            Fail(ex);
            return Page();
        }
    }

    private JsonElement ParseDefinition()
    {
        try
        {
            using var document = JsonDocument.Parse(string.IsNullOrWhiteSpace(Definition) ? "null" : Definition);
            return document.RootElement.Clone();
        }
        catch (JsonException)
        {
            throw new DomainException("segment.invalid", l["The definition is not valid JSON."]);
        }
    }

    private void Fail(DomainException ex)
    {
        Error = ex.Message;
        Response.StatusCode = ex.Kind switch { DomainErrorKind.NotFound => 404, DomainErrorKind.Conflict => 409, _ => 400 };
    }

    private static readonly JsonSerializerOptions Indented = new() { WriteIndented = true, Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping };
}
