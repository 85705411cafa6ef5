using System.Security.Claims;
using System.Text.Json;
using System.Text.Json.Serialization;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using WechatLoyalty.Api.Features.Console;
using WechatLoyalty.Api.Infrastructure.Auth;
using WechatLoyalty.Domain.Admin;
using WechatLoyalty.Domain.Campaigns.Segments;
using WechatLoyalty.Domain.Common;
using WechatLoyalty.Domain.Data;
using WechatLoyalty.Jobs.Hosting;

namespace WechatLoyalty.Api.Features.Campaigns;

/// <summary>
/// Saved segments (marketing): a name and a strictly validated definition (see SegmentParser: unknown fields are a
/// 400), and the audience size counted by the database, for a saved segment or a definition being edited. Every
/// change is audited (the console user, the segment before and after) in the same transaction as the change; the
/// console's segment pages save through these same methods.
/// </summary>
internal static class SegmentsApi
{
    public static IEndpointRouteBuilder MapSegmentsApi(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/api/admin/segments").WithTags("Campaigns").RequireAuthorization(Policies.Marketing);
        group.MapGet("/", List).WithSummary("Saved segments, newest first.");
        group.MapPost("/", Create).WithSummary("Save a segment (name + definition).");
        group.MapGet("/{id:long}", Get).WithSummary("One saved segment.");
        group.MapPut("/{id:long}", Update).WithSummary("Change a segment's name or definition.");
        group.MapDelete("/{id:long}", Delete).WithSummary("Delete a segment no campaign uses.");
        group.MapGet("/{id:long}/size", Size).WithSummary("The saved segment's audience size now.");
        group.MapPost("/preview", Preview).WithSummary("The audience size of a definition (not saved).");
        return app;
    }

    [JsonUnmappedMemberHandling(JsonUnmappedMemberHandling.Disallow)]
    public sealed record SegmentRequest(string? Name, string? Description, JsonElement? Definition);

    [JsonUnmappedMemberHandling(JsonUnmappedMemberHandling.Disallow)]
    public sealed record PreviewRequest(JsonElement? Definition);

    public sealed record SegmentResponse(long Id, string Name, string? Description, JsonElement Definition, string? CreatedBy, DateTime CreatedAt, DateTime UpdatedAt);

    public sealed record SizeResponse(long Members, double ElapsedMs);

    internal static async Task<Ok<List<SegmentResponse>>> List(LoyaltyDbContext db, CancellationToken ct) =>
        TypedResults.Ok((await db.Segments.AsNoTracking().OrderByDescending(s => s.Id).ToListAsync(ct)).Select(ToResponse).ToList());

    internal static async Task<Ok<SegmentResponse>> Get(long id, LoyaltyDbContext db, CancellationToken ct) =>
        TypedResults.Ok(ToResponse(await FindAsync(db, id, ct)));

    internal static async Task<Created<SegmentResponse>> Create(
        SegmentRequest request, ClaimsPrincipal user, LoyaltyDbContext db, SegmentAudience audience, IOptions<ProgrammeOptions> programme,
        TimeProvider time, CancellationToken ct)
    {
        var (name, definition) = await CheckAsync(request, audience, programme.Value.Preset, ct);
        await RequireUniqueNameAsync(db, name, null, ct);
        var actor = user.ConsoleActor();
        var now = time.GetUtcNow().UtcDateTime;
        var segment = new Segment
        {
            Name = name, Description = request.Description?.Trim(), DefinitionJson = definition, CreatedBy = actor,
            CreatedAt = now, UpdatedAt = now,
        };
        // The audit entry names the new id: both inserts in one transaction.
        await db.ExecuteAsync(async token =>
        {
            db.Segments.Add(segment);
            await db.SaveChangesAsync(token);
            db.AuditLog.Add(AuditEntry.Create(actor, AuditActions.SegmentCreate, "segment", segment.Id, null, Snapshot(segment), now));
            await db.SaveChangesAsync(token);
            return segment.Id;
        }, ct);
        return TypedResults.Created($"/api/admin/segments/{segment.Id}", ToResponse(segment));
    }

    internal static async Task<Ok<SegmentResponse>> Update(
        long id, SegmentRequest request, ClaimsPrincipal user, LoyaltyDbContext db, SegmentAudience audience, IOptions<ProgrammeOptions> programme,
        TimeProvider time, CancellationToken ct)
    {
        var segment = await FindAsync(db, id, ct, tracked: true);
        var (name, definition) = await CheckAsync(request, audience, programme.Value.Preset, ct);
        await RequireUniqueNameAsync(db, name, id, ct);
        var before = Snapshot(segment);
        segment.Name = name;
        segment.Description = request.Description?.Trim();
        segment.DefinitionJson = definition;
        segment.UpdatedAt = time.GetUtcNow().UtcDateTime;
        db.AuditLog.Add(AuditEntry.Create(user.ConsoleActor(), AuditActions.SegmentUpdate, "segment", id, before, Snapshot(segment), segment.UpdatedAt));
        await db.SaveChangesAsync(ct);
        return TypedResults.Ok(ToResponse(segment));
    }

    internal static async Task<NoContent> Delete(long id, ClaimsPrincipal user, LoyaltyDbContext db, TimeProvider time, CancellationToken ct)
    {
        var segment = await FindAsync(db, id, ct, tracked: true);
        if (await db.Campaigns.AnyAsync(c => c.SegmentId == id, ct))
            throw new DomainException("segment.in_use", "A campaign uses this segment; it cannot be deleted.", DomainErrorKind.Conflict);
        db.Segments.Remove(segment);
        db.AuditLog.Add(AuditEntry.Create(user.ConsoleActor(), AuditActions.SegmentDelete, "segment", id, Snapshot(segment), null,
            time.GetUtcNow().UtcDateTime));
        await db.SaveChangesAsync(ct);
        return TypedResults.NoContent();
    }

    internal static async Task<Ok<SizeResponse>> Size(long id, LoyaltyDbContext db, SegmentAudience audience, CancellationToken ct)
    {
        var segment = await FindAsync(db, id, ct);
        var size = await audience.CountAsync(SegmentParser.Parse(segment.DefinitionJson), ct);
        return TypedResults.Ok(new SizeResponse(size.Members, Math.Round(size.ElapsedMs, 1)));
    }

    internal static async Task<Ok<SizeResponse>> Preview(PreviewRequest request, SegmentAudience audience, IOptions<ProgrammeOptions> programme, CancellationToken ct)
    {
        if (request.Definition is not { ValueKind: JsonValueKind.Object } definition)
            throw new DomainException("segment.invalid", "'definition' (an object) is required.");
        var node = await audience.ParseAndCheckAsync(definition.GetRawText(), programme.Value.Preset, ct);
        var size = await audience.CountAsync(node, ct);
        return TypedResults.Ok(new SizeResponse(size.Members, Math.Round(size.ElapsedMs, 1)));
    }

    private static async Task<(string Name, string Definition)> CheckAsync(SegmentRequest request, SegmentAudience audience, string preset, CancellationToken ct)
    {
        var name = request.Name?.Trim();
        if (string.IsNullOrEmpty(name) || name.Length > 100) throw new DomainException("segment.name", "'name' (1..100 characters) is required.");
        if (request.Description is { Length: > 500 }) throw new DomainException("segment.description", "'description' is at most 500 characters.");
        if (request.Definition is not { ValueKind: JsonValueKind.Object } definition)
            throw new DomainException("segment.invalid", "'definition' (an object) is required.");
        await audience.ParseAndCheckAsync(definition.GetRawText(), preset, ct);
        return (name, definition.GetRawText());
    }

    private static async Task RequireUniqueNameAsync(LoyaltyDbContext db, string name, long? except, CancellationToken ct)
    {
        if (await db.Segments.AnyAsync(s => s.Name == name && s.Id != except, ct))
            throw new DomainException("segment.name_taken", $"A segment named '{name}' exists.", DomainErrorKind.Conflict);
    }

    private static async Task<Segment> FindAsync(LoyaltyDbContext db, long id, CancellationToken ct, bool tracked = false)
    {
        var query = tracked ? db.Segments : db.Segments.AsNoTracking();
        return await query.SingleOrDefaultAsync(s => s.Id == id, ct)
            ?? throw new DomainException("segment.not_found", "No such segment.", DomainErrorKind.NotFound);
    }

    /// <summary>The segment as the audit trail keeps it, the definition as JSON rather than an escaped string.</summary>
    private static object Snapshot(Segment s)
    {
        using var document = JsonDocument.Parse(s.DefinitionJson);
        return new { s.Name, s.Description, Definition = document.RootElement.Clone() };
    }

    private static SegmentResponse ToResponse(Segment s)
    {
        using var document = JsonDocument.Parse(s.DefinitionJson);
        return new SegmentResponse(s.Id, s.Name, s.Description, document.RootElement.Clone(), s.CreatedBy, s.CreatedAt, s.UpdatedAt);
    }
}
