using System.Security.Claims;
using System.Text.Json;
using System.Text.Json.Serialization;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using WechatLoyalty.Api.Features.Console;
using WechatLoyalty.Api.Infrastructure.Auth;
using WechatLoyalty.Domain.Admin;
using WechatLoyalty.Domain.Campaigns.Promotions;
using WechatLoyalty.Domain.Common;
using WechatLoyalty.Domain.Data;
using WechatLoyalty.Domain.Programme;
using WechatLoyalty.Jobs.Hosting;

namespace WechatLoyalty.Api.Features.Campaigns;

/// <summary>
/// Points promotions (marketing): double-points days by date range, stores and tiers, applied by the payment
/// earning code. Not edited once created (points already earned under them must stay explainable): cancel and create.
/// Both are audited (the console user, before and after) in the change's transaction; the console page calls these.
/// </summary>
internal static class PromotionsApi
{
    public static IEndpointRouteBuilder MapPromotionsApi(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/api/admin/promotions").WithTags("Campaigns").RequireAuthorization(Policies.Marketing);
        group.MapGet("/", List).WithSummary("Points promotions, newest first.");
        group.MapPost("/", Create).WithSummary("Create a points promotion (e.g. double points on a date range).");
        group.MapPost("/{id:long}/cancel", Cancel).WithSummary("Cancel a promotion: payments from now on no longer earn it.");
        return app;
    }

    [JsonUnmappedMemberHandling(JsonUnmappedMemberHandling.Disallow)]
    public sealed record PromotionRequest(
        string? Name, DateOnly? StartsOn, DateOnly? EndsOn, long[]? StoreIds, string[]? TierCodes, decimal? Multiplier, bool? Compound);

    public sealed record PromotionResponse(
        long Id, string Name, DateOnly StartsOn, DateOnly EndsOn, long[] StoreIds, string[] TierCodes, decimal Multiplier, bool Compound,
        bool Cancelled, string? CreatedBy, DateTime CreatedAt, DateTime? CancelledAt);

    internal static async Task<Ok<List<PromotionResponse>>> List(LoyaltyDbContext db, CancellationToken ct) =>
        TypedResults.Ok((await db.PointsPromotions.AsNoTracking().OrderByDescending(p => p.Id).Take(500).ToListAsync(ct)).Select(ToResponse).ToList());

    internal static async Task<Created<PromotionResponse>> Create(
        PromotionRequest request, ClaimsPrincipal user, LoyaltyDbContext db, ProgrammeRulesStore rulesStore, ProgrammeClock clock,
        PromotionCache cache, IOptions<ProgrammeOptions> programme, CancellationToken ct)
    {
        var name = request.Name?.Trim();
        if (string.IsNullOrEmpty(name) || name.Length > 100) throw Invalid("'name' (1..100 characters) is required.");
        if (request.StartsOn is not { } starts || request.EndsOn is not { } ends) throw Invalid("'startsOn' and 'endsOn' (dates) are required.");
        if (ends < starts) throw Invalid("'endsOn' is before 'startsOn'.");
        if (ends < clock.Today) throw Invalid("The promotion would end in the past.");
        if (ends.DayNumber - starts.DayNumber > 366) throw Invalid("A promotion lasts at most 367 days.");
        if (request.Multiplier is not { } multiplier || multiplier <= 1m || multiplier > 10m || decimal.Round(multiplier, 2) != multiplier)
            throw Invalid("'multiplier' must be above 1 and at most 10, with at most two decimals (2 = double points).");
        var stores = (request.StoreIds ?? []).Distinct().ToArray();
        if (stores.Length > 0)
        {
            var known = await db.Stores.Where(s => stores.Contains(s.Id)).Select(s => s.Id).ToListAsync(ct);
            if (stores.Except(known).ToList() is { Count: > 0 } unknown) throw Invalid($"Unknown store id(s): {string.Join(", ", unknown)}.");
        }
        var ladder = (await rulesStore.GetActiveAsync(programme.Value.Preset, ct)).Ladder;
        var tiers = (request.TierCodes ?? []).Select(t => t.Trim()).Distinct(StringComparer.OrdinalIgnoreCase).ToArray();
        if (tiers.Where(t => !ladder.Tiers.Any(x => string.Equals(x.Code, t, StringComparison.OrdinalIgnoreCase))).ToList() is { Count: > 0 } unknownTiers)
            throw Invalid($"Unknown tier code(s): {string.Join(", ", unknownTiers)}.");

        var actor = user.ConsoleActor();
        var promotion = new PointsPromotion
        {
            Name = name, StartsOn = starts, EndsOn = ends, StoreIdsJson = JsonSerializer.Serialize(stores), TierCodesJson = JsonSerializer.Serialize(tiers),
            Multiplier = multiplier, Compound = request.Compound ?? false, CreatedBy = actor, CreatedAt = clock.UtcNow.UtcDateTime,
        };
        await db.ExecuteAsync(async token =>
        {
            db.PointsPromotions.Add(promotion);
            await db.SaveChangesAsync(token);
            db.AuditLog.Add(AuditEntry.Create(actor, AuditActions.PromotionCreate, "promotion", promotion.Id, null, ToResponse(promotion), promotion.CreatedAt));
            await db.SaveChangesAsync(token);
            return promotion.Id;
        }, ct);
        cache.Invalidate();
        return TypedResults.Created($"/api/admin/promotions/{promotion.Id}", ToResponse(promotion));
    }

    internal static async Task<Ok<PromotionResponse>> Cancel(
        long id, ClaimsPrincipal user, LoyaltyDbContext db, ProgrammeClock clock, PromotionCache cache, CancellationToken ct)
    {
        var promotion = await db.PointsPromotions.SingleOrDefaultAsync(p => p.Id == id, ct)
            ?? throw new DomainException("promotion.not_found", "No such promotion.", DomainErrorKind.NotFound);
        if (promotion.CancelledAt is not null) throw new DomainException("promotion.cancelled", "The promotion is already cancelled.", DomainErrorKind.Conflict);
        var before = ToResponse(promotion);
        promotion.CancelledAt = clock.UtcNow.UtcDateTime;
        db.AuditLog.Add(AuditEntry.Create(user.ConsoleActor(), AuditActions.PromotionCancel, "promotion", id, before, ToResponse(promotion),
            promotion.CancelledAt.Value));
        await db.SaveChangesAsync(ct);
        cache.Invalidate();
        return TypedResults.Ok(ToResponse(promotion));
    }

    private static DomainException Invalid(string message) => new("promotion.invalid", message);

    private static PromotionResponse ToResponse(PointsPromotion p) => new(
        p.Id, p.Name, p.StartsOn, p.EndsOn, JsonSerializer.Deserialize<long[]>(p.StoreIdsJson)!, JsonSerializer.Deserialize<string[]>(p.TierCodesJson)!,
        p.Multiplier, p.Compound, p.CancelledAt is not null, p.CreatedBy, p.CreatedAt, p.CancelledAt);
}
