using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using WechatLoyalty.Domain.Common;
using WechatLoyalty.Domain.Data;

namespace WechatLoyalty.Domain.Programme;

/// <summary>Reads and writes the programme's rule versions; the active one is the latest already in effect.</summary>
public sealed class ProgrammeRulesStore(LoyaltyDbContext db, ProgrammeClock clock)
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    /// <summary>The rules in effect today, or <paramref name="fallbackPreset"/> when no version was ever saved.</summary>
    public async Task<ProgrammeRules> GetActiveAsync(string fallbackPreset, CancellationToken ct)
    {
        var today = clock.Today;
        var json = await db.ProgrammeVersions.AsNoTracking()
            .Where(v => v.EffectiveFrom <= today)
            .OrderByDescending(v => v.EffectiveFrom).ThenByDescending(v => v.Id)
            .Select(v => v.RulesJson)
            .FirstOrDefaultAsync(ct);
        return FromActive(json, fallbackPreset);
    }

    /// <summary>
    /// What <see cref="GetActiveAsync"/> asks (one column, rules_json, or no row), for a caller that sends it with its own
    /// statements in one round trip (the payment notification); <see cref="FromActive"/> turns the answer into rules.
    /// </summary>
    public FormattableString ActiveQuery() =>
        $"SELECT rules_json FROM programme_versions WHERE effective_from <= {clock.Today} ORDER BY effective_from DESC, id DESC LIMIT 1";

    public static ProgrammeRules FromActive(string? json, string fallbackPreset) =>
        json is null ? ProgrammePresets.ByName(fallbackPreset) : Deserialize(json);

    public ProgrammeVersion NewVersion(ProgrammeRules rules, DateOnly effectiveFrom, string? createdBy) => new()
    {
        Preset = rules.Preset,
        EffectiveFrom = effectiveFrom,
        RulesJson = JsonSerializer.Serialize(rules.Validated(), Json),
        CreatedBy = createdBy,
        CreatedAt = clock.UtcNow.UtcDateTime,
    };

    public static ProgrammeRules Deserialize(string json) =>
        (JsonSerializer.Deserialize<ProgrammeRules>(json, Json)
            ?? throw new DomainException("programme.corrupt", "A stored programme version is empty.")).Validated();
}
