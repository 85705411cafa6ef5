using System.Security.Claims;
using System.Text.Json.Serialization;
using Hangfire;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;
using WechatLoyalty.Api.Features.Console;
using WechatLoyalty.Api.Infrastructure.Auth;
using WechatLoyalty.Domain.Campaigns;
using WechatLoyalty.Domain.Data;
using WechatLoyalty.Jobs.Campaigns;

namespace WechatLoyalty.Api.Features.Campaigns;

/// <summary>
/// Campaigns (marketing): a draft is edited, scheduled (now or at a time), sent by the Hangfire fan-out, paused,
/// resumed or cancelled; illegal moves are 409. Results: the audience by outcome and conversion against the hold-out.
/// </summary>
internal static class CampaignsApi
{
    public static IEndpointRouteBuilder MapCampaignsApi(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/api/admin/campaigns").WithTags("Campaigns").RequireAuthorization(Policies.Marketing);
        group.MapGet("/", List).WithSummary("Campaigns, newest first.");
        group.MapPost("/", Create).WithSummary("Create a draft campaign.");
        group.MapGet("/{id:long}", Get).WithSummary("One campaign.");
        group.MapPut("/{id:long}", Update).WithSummary("Edit a draft campaign.");
        group.MapPost("/{id:long}/schedule", Schedule).WithSummary("Draft → scheduled: send at 'at' (UTC, ISO 8601) or now when omitted.");
        group.MapPost("/{id:long}/unschedule", Unschedule).WithSummary("Scheduled → draft.");
        group.MapPost("/{id:long}/pause", Pause).WithSummary("Sending → paused (after the batch in flight).");
        group.MapPost("/{id:long}/resume", Resume).WithSummary("Paused → sending.");
        group.MapPost("/{id:long}/cancel", Cancel).WithSummary("Any unfinished campaign → cancelled; unsent recipients stay unsent.");
        group.MapGet("/{id:long}/results", Results).WithSummary("Targeted, sent, delivered, not sent by reason, conversion vs hold-out.");
        return app;
    }

    [JsonUnmappedMemberHandling(JsonUnmappedMemberHandling.Disallow)]
    public sealed record CampaignRequest(
        string? Name, long? SegmentId, string? MessageKind, string? TemplateId, string? Page, Dictionary<string, string>? Fields,
        int? RewardPoints, decimal? HoldoutPercent)
    {
        internal CampaignDraft ToDraft() => new(Name, SegmentId, MessageKind, TemplateId, Page, Fields, RewardPoints, HoldoutPercent);
    }

    [JsonUnmappedMemberHandling(JsonUnmappedMemberHandling.Disallow)]
    public sealed record ScheduleRequest(DateTimeOffset? At);

    public sealed record CampaignResponse(
        long Id, string Name, long SegmentId, string MessageKind, string TemplateId, string? Page, IReadOnlyDictionary<string, string> Fields,
        int RewardPoints, decimal HoldoutPercent, CampaignStatus Status, DateTime? ScheduledAt, DateTime? StartedAt, DateTime? FinishedAt,
        DateTime? NextRunAt, int Targeted, int HeldOut, string? CreatedBy, DateTime CreatedAt, DateTime UpdatedAt);

    internal static async Task<Ok<List<CampaignResponse>>> List(LoyaltyDbContext db, CancellationToken ct) =>
        TypedResults.Ok((await db.Campaigns.AsNoTracking().OrderByDescending(c => c.Id).Take(500).ToListAsync(ct)).Select(ToResponse).ToList());

    internal static async Task<Ok<CampaignResponse>> Get(long id, LoyaltyDbContext db, CancellationToken ct) =>
        TypedResults.Ok(ToResponse(await db.Campaigns.AsNoTracking().SingleOrDefaultAsync(c => c.Id == id, ct) ?? throw NotFound()));

    internal static async Task<Created<CampaignResponse>> Create(CampaignRequest request, ClaimsPrincipal user, CampaignCommands commands, CancellationToken ct)
    {
        var campaign = await commands.CreateAsync(request.ToDraft(), user.ConsoleActor(), ct);
        return TypedResults.Created($"/api/admin/campaigns/{campaign.Id}", ToResponse(campaign));
    }

    internal static async Task<Ok<CampaignResponse>> Update(long id, CampaignRequest request, ClaimsPrincipal user, CampaignCommands commands, CancellationToken ct) =>
        TypedResults.Ok(ToResponse(await commands.UpdateAsync(id, request.ToDraft(), user.ConsoleActor(), ct)));

    internal static async Task<Ok<CampaignResponse>> Schedule(
        long id, ScheduleRequest? request, ClaimsPrincipal user, CampaignCommands commands, IBackgroundJobClient jobs, CancellationToken ct)
    {
        var campaign = await commands.ScheduleAsync(id, request?.At?.UtcDateTime, user.ConsoleActor(), ct);
        CampaignJobs.Enqueue(jobs, campaign.Id, campaign.ScheduledAt);
        return TypedResults.Ok(ToResponse(campaign));
    }

    internal static async Task<Ok<CampaignResponse>> Unschedule(long id, ClaimsPrincipal user, CampaignCommands commands, CancellationToken ct) =>
        TypedResults.Ok(ToResponse(await commands.UnscheduleAsync(id, user.ConsoleActor(), ct)));

    internal static async Task<Ok<CampaignResponse>> Pause(long id, ClaimsPrincipal user, CampaignCommands commands, CancellationToken ct) =>
        TypedResults.Ok(ToResponse(await commands.PauseAsync(id, user.ConsoleActor(), ct)));

    internal static async Task<Ok<CampaignResponse>> Resume(long id, ClaimsPrincipal user, CampaignCommands commands, IBackgroundJobClient jobs, CancellationToken ct)
    {
        var campaign = await commands.ResumeAsync(id, user.ConsoleActor(), ct);
        CampaignJobs.Enqueue(jobs, campaign.Id, null);
        return TypedResults.Ok(ToResponse(campaign));
    }

    internal static async Task<Ok<CampaignResponse>> Cancel(long id, ClaimsPrincipal user, CampaignCommands commands, CancellationToken ct) =>
        TypedResults.Ok(ToResponse(await commands.CancelAsync(id, user.ConsoleActor(), ct)));

    internal static async Task<Ok<CampaignResult>> Results(long id, CampaignResults results, CancellationToken ct) =>
        TypedResults.Ok(await results.GetAsync(id, ct));

    private static Domain.Common.DomainException NotFound() =>
        new("campaign.not_found", "No such campaign.", Domain.Common.DomainErrorKind.NotFound);

    private static CampaignResponse ToResponse(Campaign c) => new(
        c.Id, c.Name, c.SegmentId, c.MessageKind, c.TemplateId, c.Page, CampaignFields.Deserialize(c.FieldsJson), c.RewardPoints,
        c.HoldoutBasisPoints / 100m, c.Status, c.ScheduledAt, c.StartedAt, c.FinishedAt, c.NextRunAt, c.Targeted, c.HeldOut, c.CreatedBy,
        c.CreatedAt, c.UpdatedAt);
}
