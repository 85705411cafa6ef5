using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.EntityFrameworkCore;
using WechatLoyalty.Api.Infrastructure.Auth;
using WechatLoyalty.Domain.Common;
using WechatLoyalty.Domain.Data;
using WechatLoyalty.Domain.Messaging;

namespace WechatLoyalty.Api.AdminConsole.Pages.Templates;

/// <summary>
/// One message kind's registry entry: OA and mini-program template ids, field mappings (one <c>key=text with
/// {value}</c> per line) and page, saved through MessageTemplates (its checks, its 4xx messages); and a preview for a
/// member (by member number or id): the channel it would take and the rendered fields. Nothing is sent.
/// </summary>
[Authorize(Policy = Policies.Marketing)]
public sealed class TemplateEditModel(MessageTemplates templates, MessageDispatcher dispatcher, LoyaltyDbContext db, ConsoleLocalizer l)
    : ConsolePageModel
{
    public string Kind { get; private set; } = "";
    public IReadOnlyList<string> Values { get; private set; } = [];
    [BindProperty] public string? OaTemplateId { get; set; }
    [BindProperty] public string? OaFields { get; set; }
    [BindProperty] public string? MpTemplateId { get; set; }
    [BindProperty] public string? MpFields { get; set; }
    [BindProperty] public string? PagePath { get; set; }
    [BindProperty] public bool Enabled { get; set; } = true;
    [BindProperty] public string? PreviewMember { get; set; }
    public MessagePreviewResult? Preview { get; private set; }

    public async Task<IActionResult> OnGetAsync(string kind, CancellationToken ct)
    {
        if (!Known(kind)) return NotFound();
        await LoadSavedAsync(ct);
        return Page();
    }

    private async Task LoadSavedAsync(CancellationToken ct)
    {
        var existing = await db.MessageTemplates.AsNoTracking().SingleOrDefaultAsync(t => t.Kind == Kind, ct);
        if (existing is not null)
        {
            (OaTemplateId, MpTemplateId, PagePath, Enabled) = (existing.OaTemplateId, existing.MpTemplateId, existing.Page, existing.Enabled);
            OaFields = Lines(TemplateFields.Parse(existing.OaFieldsJson));
            MpFields = Lines(TemplateFields.Parse(existing.MpFieldsJson));
        }
    }

    public async Task<IActionResult> OnPostSaveAsync(string kind, CancellationToken ct)
    {
        if (!Known(kind)) return NotFound();
        try
        {
            var definition = new TemplateDefinition(Blank(OaTemplateId), ParseLines(OaFields), Blank(MpTemplateId), ParseLines(MpFields), Blank(PagePath), Enabled);
            await templates.SaveAsync(Kind, definition, Actor, ct);
            Message = l["Template saved."];
        }
        catch (DomainException ex)
        {
            Fail(ex);
        }
        return Page();
    }

    public async Task<IActionResult> OnPostPreviewAsync(string kind, CancellationToken ct)
    {
        if (!Known(kind)) return NotFound();
        // The preview form posts only the member: show the saved entry beside it (what the preview renders).
        await LoadSavedAsync(ct);
        var key = PreviewMember?.Trim();
        long? memberId = string.IsNullOrEmpty(key) ? null
            : await db.Members.AsNoTracking().Where(m => m.MemberNo == key).Select(m => (long?)m.Id).FirstOrDefaultAsync(ct)
                ?? (long.TryParse(key, out var id) && await db.Members.AnyAsync(m => m.Id == id, ct) ? id : null);
        if (memberId is null)
        {
            Error = l["No such member: give a member number or id."];
            Response.StatusCode = StatusCodes.Status404NotFound;
            return Page();
        }
        try
        {
            Preview = await dispatcher.PreviewAsync(Kind, memberId.Value, null, ct);
        }
        catch (DomainException ex)
        {
            Fail(ex);
        }
        return Page();
    }

    private bool Known(string kind)
    {
        Kind = MessageKinds.All.FirstOrDefault(k => string.Equals(k, kind, StringComparison.OrdinalIgnoreCase)) ?? "";
        Values = Kind.Length == 0 ? [] : [.. MessageKinds.CommonValues, .. MessageKinds.Values[Kind]];
        return Kind.Length > 0;
    }

    private void Fail(DomainException ex)
    {
        Error = ex.Message;
        Response.StatusCode = ex.Kind switch { DomainErrorKind.NotFound => 404, DomainErrorKind.Conflict => 409, _ => 400 };
    }

    private static string Lines(IReadOnlyDictionary<string, string> fields) => string.Join("\n", fields.Select(f => $"{f.Key}={f.Value}"));

    /// <summary>"key=text" per line; a line without '=' is an error rather than a field silently dropped.</summary>
    private Dictionary<string, string> ParseLines(string? text)
    {
        var fields = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var raw in (text ?? "").Split('\n'))
        {
            var line = raw.TrimEnd('\r');
            if (string.IsNullOrWhiteSpace(line)) continue;
            var eq = line.IndexOf('=');
            if (eq <= 0) throw new DomainException("messages.fields", l.Format("Write each field as key=text: '{0}'.", line.Trim()));
            if (!fields.TryAdd(line[..eq].Trim(), line[(eq + 1)..].Trim()))
                throw new DomainException("messages.fields", l.Format("The field key {0} is given twice.", line[..eq].Trim()));
        }
        return fields;
    }

    private static string? Blank(string? value) => string.IsNullOrWhiteSpace(value) ? null : value.Trim();
}
