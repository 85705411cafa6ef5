using System.ComponentModel.DataAnnotations;
using System.Security.Claims;
using Microsoft.AspNetCore.Http.HttpResults;
using WechatLoyalty.Api.Features.Console;
using WechatLoyalty.Api.Infrastructure.Auth;
using WechatLoyalty.Domain.Admin;
using WechatLoyalty.Domain.Messaging;

namespace WechatLoyalty.Api.Features.Messages;

/// <summary>
/// The template registry (console, marketing and admins): per message kind the OA template and/or the mini-program
/// subscription template, how our values fill their fields, and the page; a preview for a chosen member.
/// </summary>
internal static class MessageTemplatesApi
{
    public static IEndpointRouteBuilder MapMessageTemplatesApi(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/api/admin/message-templates").WithTags("Messages").RequireAuthorization(Policies.Marketing);
        group.MapGet("/", List).WithSummary("Every message kind with its registered templates (or none yet) and the values it can use.");
        group.MapGet("/{kind}", Get).WithSummary("One kind's registry entry.");
        group.MapPut("/{kind}", Save).WithSummary("Register or replace a kind's templates, field mappings ({value} placeholders) and page.");
        group.MapDelete("/{kind}", Delete).WithSummary("Remove a kind's entry: its messages become undeliverable until registered again.");
        group.MapPost("/{kind}/test-send", TestSend)
            .WithSummary("Send the message for real to one member (occasion test:<requestId>, so a repeated request sends once).");
        group.MapPost("/{kind}/preview", Preview).WithSummary("Render the message for a member and show the channel it would take; nothing is sent.");
        return app;
    }

    public sealed record TemplateRequest(
        [MaxLength(64)] string? OaTemplateId,
        Dictionary<string, string>? OaFields,
        [MaxLength(64)] string? MpTemplateId,
        Dictionary<string, string>? MpFields,
        [MaxLength(256)] string? Page,
        bool? Enabled);

    public sealed record TemplateResponse(
        string Kind, bool Registered, string? OaTemplateId, IReadOnlyDictionary<string, string> OaFields, string? MpTemplateId,
        IReadOnlyDictionary<string, string> MpFields, string? Page, bool Enabled, IReadOnlyList<string> Values, string? UpdatedBy, DateTime? UpdatedAt);

    public sealed record PreviewRequest([Required] long? MemberId, Dictionary<string, string>? Values);

    internal static async Task<Ok<List<TemplateResponse>>> List(MessageTemplates templates, CancellationToken ct)
    {
        var registered = (await templates.ListAsync(ct)).ToDictionary(t => t.Kind);
        return TypedResults.Ok(MessageKinds.All.Select(k => registered.TryGetValue(k, out var t) ? ToResponse(t) : Unregistered(k)).ToList());
    }

    internal static async Task<Ok<TemplateResponse>> Get(string kind, MessageTemplates templates, CancellationToken ct) =>
        TypedResults.Ok(ToResponse(await templates.GetAsync(kind, ct)));

    internal static async Task<Results<Created<TemplateResponse>, Ok<TemplateResponse>>> Save(
        string kind, TemplateRequest request, ClaimsPrincipal user, MessageTemplates templates, CancellationToken ct)
    {
        var definition = new TemplateDefinition(Blank(request.OaTemplateId), request.OaFields, Blank(request.MpTemplateId), request.MpFields,
            Blank(request.Page), request.Enabled ?? true);
        var (template, created) = await templates.SaveAsync(kind, definition, user.ConsoleActor(), ct);
        var response = ToResponse(template);
        return created ? TypedResults.Created($"/api/admin/message-templates/{template.Kind}", response) : TypedResults.Ok(response);
    }

    internal static async Task<NoContent> Delete(string kind, ClaimsPrincipal user, MessageTemplates templates, CancellationToken ct)
    {
        await templates.DeleteAsync(kind, user.ConsoleActor(), ct);
        return TypedResults.NoContent();
    }

    /// <summary>The member by id or by member number (as on the card).</summary>
    public sealed record TestSendRequest(long? MemberId, [MaxLength(20)] string? MemberNo, Guid? RequestId, Dictionary<string, string>? Values);

    /// <remarks>
    /// A real message to a real member, so it is audited. The dispatcher commits the delivery in its own transaction
    /// (its exactly-once rules own that unit); the audit entry follows it and records the outcome.
    /// </remarks>
    internal static async Task<Ok<DeliveryOutcome>> TestSend(
        string kind, TestSendRequest request, ClaimsPrincipal user, MessageDispatcher dispatcher, WechatLoyalty.Domain.Data.LoyaltyDbContext db,
        WechatLoyalty.Domain.Common.ProgrammeClock clock, CancellationToken ct)
    {
        var actor = user.ConsoleActor();
        kind = MessageTemplates.RequireKind(kind);
        var memberId = await Microsoft.EntityFrameworkCore.EntityFrameworkQueryableExtensions.FirstOrDefaultAsync(
            db.Members.Where(m => request.MemberId != null ? m.Id == request.MemberId : m.MemberNo == request.MemberNo).Select(m => (long?)m.Id), ct)
            ?? throw new WechatLoyalty.Domain.Common.DomainException("member.unknown", "No such member (give memberId or memberNo).", WechatLoyalty.Domain.Common.DomainErrorKind.NotFound);
        var occasion = $"test:{request.RequestId ?? Guid.NewGuid():N}";
        var outcome = await dispatcher.SendAsync(
            new MessageRequest(memberId, kind, occasion, request.Values ?? MessageDispatcher.SampleValues(kind, clock.Today)), ct);
        db.ChangeTracker.Clear();
        db.AuditLog.Add(AuditEntry.Create(actor, AuditActions.TemplateTestSend, "member", memberId, null,
            new { Kind = kind, Occasion = occasion, outcome.DeliveryId, outcome.Status, outcome.Channel, outcome.Reason }, clock.UtcNow.UtcDateTime));
        await db.SaveChangesAsync(ct);
        return TypedResults.Ok(outcome);
    }

    internal static async Task<Ok<MessagePreviewResult>> Preview(string kind, PreviewRequest request, MessageDispatcher dispatcher, CancellationToken ct) =>
        TypedResults.Ok(await dispatcher.PreviewAsync(MessageTemplates.RequireKind(kind), request.MemberId!.Value, request.Values, ct));

    private static TemplateResponse ToResponse(MessageTemplate t) => new(
        t.Kind, true, t.OaTemplateId, TemplateFields.Parse(t.OaFieldsJson), t.MpTemplateId, TemplateFields.Parse(t.MpFieldsJson), t.Page, t.Enabled,
        Values(t.Kind), t.UpdatedBy, t.UpdatedAt);

    private static TemplateResponse Unregistered(string kind) =>
        new(kind, false, null, new Dictionary<string, string>(), null, new Dictionary<string, string>(), null, false, Values(kind), null, null);

    private static List<string> Values(string kind) => [.. MessageKinds.CommonValues, .. MessageKinds.Values[kind]];

    private static string? Blank(string? value) => string.IsNullOrWhiteSpace(value) ? null : value.Trim();
}
