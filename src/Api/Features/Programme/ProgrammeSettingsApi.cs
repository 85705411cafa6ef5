using System.ComponentModel.DataAnnotations;
using System.Security.Claims;
using System.Text.Json;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using WechatLoyalty.Api.Infrastructure.Auth;
using WechatLoyalty.Domain.Admin;
using WechatLoyalty.Domain.Common;
using WechatLoyalty.Domain.Data;
using WechatLoyalty.Domain.Programme;

namespace WechatLoyalty.Api.Features.Programme;

/// <summary>
/// Programme settings (console): the presets, and versions of the rules (tier ladder, earning, expiry,
/// redemption) that take effect from a date. Versions are never edited or deleted: history explains the past.
/// </summary>
internal static class ProgrammeSettingsApi
{
    public static void MapProgrammeSettingsApi(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/api/admin/programme").WithTags("Programme settings").RequireAuthorization(Policies.Marketing);
        group.MapGet("/presets", Presets).WithSummary("The built-in presets: accessory (default) and mall.");
        group.MapGet("/versions", Versions).WithSummary("Every saved version of the rules, newest first, with the one in effect marked.");
        group.MapPost("/versions", Create).RequireAuthorization(Policies.Admin)
            .WithSummary("Save new rules (a preset, optionally edited) effective from a date (today or later).");
    }

    public sealed record VersionResponse(long Id, string Preset, DateOnly EffectiveFrom, bool InEffect, string? CreatedBy, DateTime CreatedAt, ProgrammeRules Rules);

    /// <summary>Either <see cref="Rules"/> (a full rule set, e.g. an edited ladder) or a <see cref="Preset"/> name.</summary>
    public sealed record CreateVersionRequest(string? Preset, ProgrammeRules? Rules, [Required] DateOnly? EffectiveFrom);

    internal static Ok<IReadOnlyDictionary<string, ProgrammeRules>> Presets() =>
        TypedResults.Ok<IReadOnlyDictionary<string, ProgrammeRules>>(new Dictionary<string, ProgrammeRules>
        {
            [ProgrammePresets.AccessoryName] = ProgrammePresets.Accessory,
            [ProgrammePresets.MallName] = ProgrammePresets.Mall,
        });

    internal static async Task<Ok<List<VersionResponse>>> Versions(LoyaltyDbContext db, ProgrammeClock clock, CancellationToken ct)
    {
        var today = clock.Today;
        var versions = await db.ProgrammeVersions.AsNoTracking().OrderByDescending(v => v.EffectiveFrom).ThenByDescending(v => v.Id).ToListAsync(ct);
        var inEffect = versions.FirstOrDefault(v => v.EffectiveFrom <= today)?.Id;
        return TypedResults.Ok(versions.Select(v => ToResponse(v, v.Id == inEffect)).ToList());
    }

    internal static async Task<Created<VersionResponse>> Create(
        CreateVersionRequest request, ClaimsPrincipal user, LoyaltyDbContext db, ProgrammeRulesStore store, ProgrammeClock clock, CancellationToken ct)
    {
        var rules = request.Rules ?? (request.Preset is { } preset ? ProgrammePresets.ByName(preset)
            : throw new DomainException("programme.rules_missing", "Give either 'rules' or a 'preset'."));
        if (request.EffectiveFrom!.Value < clock.Today)
            throw new DomainException("programme.past", "New rules take effect today or later; the past is not rewritten.");
        var version = store.NewVersion(rules, request.EffectiveFrom.Value, user.Identity?.Name);
        // The audit entry needs the new id: both inserts in one transaction, so neither exists without the other.
        await db.ExecuteAsync(async token =>
        {
            db.ProgrammeVersions.Add(version);
            await db.SaveChangesAsync(token);
            db.AuditLog.Add(AuditEntry.Create(user.Identity?.Name ?? "?", AuditActions.ProgrammeVersionCreate, "programme_version", version.Id,
                null, new { version.Preset, version.EffectiveFrom, version.RulesJson }, version.CreatedAt));
            await db.SaveChangesAsync(token);
            return version.Id;
        }, ct);
        return TypedResults.Created($"/api/admin/programme/versions/{version.Id}", ToResponse(version, version.EffectiveFrom <= clock.Today));
    }

    private static VersionResponse ToResponse(ProgrammeVersion v, bool inEffect) =>
        new(v.Id, v.Preset, v.EffectiveFrom, inEffect, v.CreatedBy, v.CreatedAt, ProgrammeRulesStore.Deserialize(v.RulesJson));
}
