using System.Text.Json;
using System.Text.Json.Serialization;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using WechatLoyalty.Api.Features.Programme;
using WechatLoyalty.Api.Infrastructure.Auth;
using WechatLoyalty.Domain.Admin;
using WechatLoyalty.Domain.Common;
using WechatLoyalty.Domain.Data;
using WechatLoyalty.Domain.Programme;

namespace WechatLoyalty.Api.AdminConsole.Pages;

/// <summary>
/// Programme settings: the rules in effect, their history, and (admins) a new version from a preset or from the
/// edited rules, effective today or later, through the settings API's own handler (validation and audit included).
/// </summary>
[Authorize(Policy = Policies.Marketing)]
public sealed class ProgrammeModel(LoyaltyDbContext db, ProgrammeRulesStore store, ProgrammeClock clock, ConsoleLocalizer l) : ConsolePageModel
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web) { WriteIndented = true, Converters = { new JsonStringEnumConverter() } };

    internal List<ProgrammeSettingsApi.VersionResponse> Versions { get; private set; } = [];
    internal ProgrammeSettingsApi.VersionResponse? Current => Versions.FirstOrDefault(v => v.InEffect);
    public IEnumerable<string> Presets => [ProgrammePresets.AccessoryName, ProgrammePresets.MallName];
    public bool IsAdmin => User.IsInRole(nameof(AdminRole.Admin));
    public DateOnly Today => clock.Today;
    public string RulesJson { get; private set; } = "";

    public async Task OnGetAsync(CancellationToken ct) => await LoadAsync(null, ct);

    public async Task<IActionResult> OnPostAsync(string? preset, string? rulesJson, DateOnly? effectiveFrom, CancellationToken ct)
    {
        if (!IsAdmin) return Forbidden();
        try
        {
            ProgrammeRules? rules = null;
            if (string.IsNullOrEmpty(preset))
            {
                try
                {
                    rules = JsonSerializer.Deserialize<ProgrammeRules>(rulesJson ?? "", Json)
                        ?? throw new DomainException("programme.rules_missing", l["Give the rules as JSON, or pick a preset."]);
                }
                catch (JsonException ex)
                {
                    throw new DomainException("programme.rules_json", l.Format("The rules are not valid JSON: {0}", ex.Message));
                }
                rules = rules.Validated();
            }
            if (effectiveFrom is null) throw new DomainException("programme.date", l["Give the date the rules take effect."]);
            await ProgrammeSettingsApi.Create(new ProgrammeSettingsApi.CreateVersionRequest(string.IsNullOrEmpty(preset) ? null : preset, rules, effectiveFrom),
                User, db, store, clock, ct);
            Message = l.Format("Saved: the new rules take effect on {0:yyyy-MM-dd}.", effectiveFrom.Value);
            await LoadAsync(null, ct);
        }
        catch (DomainException ex)
        {
            Error = ex.Message;
            Response.StatusCode = StatusCodes.Status400BadRequest;
            await LoadAsync(rulesJson, ct);
        }
        return Page();
    }

    private async Task LoadAsync(string? submitted, CancellationToken ct)
    {
        db.ChangeTracker.Clear();
        Versions = (await ProgrammeSettingsApi.Versions(db, clock, ct)).Value!;
        RulesJson = submitted ?? JsonSerializer.Serialize(Current?.Rules ?? ProgrammePresets.Accessory, Json);
    }
}
