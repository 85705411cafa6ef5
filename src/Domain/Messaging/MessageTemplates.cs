using Microsoft.EntityFrameworkCore;
using WechatLoyalty.Domain.Admin;
using WechatLoyalty.Domain.Common;
using WechatLoyalty.Domain.Data;

namespace WechatLoyalty.Domain.Messaging;

/// <summary>What an admin saves for a kind: templates, their field mappings and the page.</summary>
public sealed record TemplateDefinition(
    string? OaTemplateId,
    IReadOnlyDictionary<string, string>? OaFields,
    string? MpTemplateId,
    IReadOnlyDictionary<string, string>? MpFields,
    string? Page,
    bool Enabled = true);

/// <summary>
/// The template registry: one entry per kind, validated when saved so a send never fails on our data. Saves and
/// deletes are audited (who, the entry before and after) in the same transaction.
/// </summary>
public sealed class MessageTemplates(LoyaltyDbContext db, ProgrammeClock clock)
{
    public Task<List<MessageTemplate>> ListAsync(CancellationToken ct) =>
        db.MessageTemplates.AsNoTracking().OrderBy(t => t.Kind).ToListAsync(ct);

    public async Task<MessageTemplate> GetAsync(string kind, CancellationToken ct) =>
        await db.MessageTemplates.AsNoTracking().SingleOrDefaultAsync(t => t.Kind == RequireKind(kind), ct)
        ?? throw new DomainException("messages.template_unknown", $"No template is registered for {kind}.", DomainErrorKind.NotFound);

    /// <summary>Creates or replaces the entry of <paramref name="kind"/>; returns it and whether it was new.</summary>
    public async Task<(MessageTemplate Template, bool Created)> SaveAsync(string kind, TemplateDefinition definition, string actor, CancellationToken ct)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(actor);
        kind = RequireKind(kind);
        Validate(kind, definition);
        var now = clock.UtcNow.UtcDateTime;
        var template = await db.MessageTemplates.SingleOrDefaultAsync(t => t.Kind == kind, ct);
        var created = template is null;
        var before = template is null ? null : Snapshot(template);
        template ??= db.MessageTemplates.Add(new MessageTemplate { Kind = kind, CreatedAt = now }).Entity;
        template.OaTemplateId = definition.OaTemplateId;
        template.OaFieldsJson = TemplateFields.Serialize(definition.OaTemplateId is null ? new Dictionary<string, string>() : definition.OaFields!);
        template.MpTemplateId = definition.MpTemplateId;
        template.MpFieldsJson = TemplateFields.Serialize(definition.MpTemplateId is null ? new Dictionary<string, string>() : definition.MpFields!);
        template.Page = definition.Page;
        template.Enabled = definition.Enabled;
        template.UpdatedBy = actor;
        template.UpdatedAt = now;
        db.AuditLog.Add(AuditEntry.Create(actor, AuditActions.TemplateSave, "message_template", kind, before, Snapshot(template), now));
        try
        {
            await db.SaveChangesAsync(ct);
        }
        catch (DbUpdateException ex) when (ex.IsDuplicateKey())
        {
            throw new DomainException("messages.template_conflict", $"{kind} was registered at the same time; reload and try again.", DomainErrorKind.Conflict);
        }
        return (template, created);
    }

    public async Task DeleteAsync(string kind, string actor, CancellationToken ct)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(actor);
        kind = RequireKind(kind);
        await db.ExecuteAsync(async token =>
        {
            var existing = await db.MessageTemplates.AsNoTracking().SingleOrDefaultAsync(t => t.Kind == kind, token);
            if (existing is null || await db.MessageTemplates.Where(t => t.Kind == kind).ExecuteDeleteAsync(token) == 0)
                throw new DomainException("messages.template_unknown", $"No template is registered for {kind}.", DomainErrorKind.NotFound);
            db.AuditLog.Add(AuditEntry.Create(actor, AuditActions.TemplateDelete, "message_template", kind, Snapshot(existing), null, clock.UtcNow.UtcDateTime));
            return await db.SaveChangesAsync(token);
        }, ct);
    }

    /// <summary>An entry as the audit trail keeps it (field mappings as JSON objects, not escaped strings).</summary>
    private static object Snapshot(MessageTemplate t) => new
    {
        t.Kind, t.OaTemplateId, OaFields = TemplateFields.Parse(t.OaFieldsJson), t.MpTemplateId, MpFields = TemplateFields.Parse(t.MpFieldsJson),
        t.Page, t.Enabled,
    };

    public static void Validate(string kind, TemplateDefinition d)
    {
        if (d.OaTemplateId is null && d.MpTemplateId is null)
            throw new DomainException("messages.template_invalid", "Give an OA template id, a mini-program template id, or both.");
        TemplateFields.ValidateTemplateId(d.OaTemplateId, "oa");
        TemplateFields.ValidateTemplateId(d.MpTemplateId, "mp");
        if (d.OaTemplateId is not null) TemplateFields.Validate(kind, "oa", d.OaFields);
        if (d.MpTemplateId is not null) TemplateFields.Validate(kind, "mp", d.MpFields);
        TemplateFields.ValidatePage(d.Page);
    }

    /// <summary>The kind as registered (case-insensitive in URLs), or a 404.</summary>
    public static string RequireKind(string kind) =>
        MessageKinds.All.FirstOrDefault(k => string.Equals(k, kind, StringComparison.OrdinalIgnoreCase))
        ?? throw new DomainException("messages.kind_unknown", $"Unknown message kind '{kind}'. Known: {string.Join(", ", MessageKinds.All)}.", DomainErrorKind.NotFound);
}
