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
        return json is null ? ProgrammePresets.ByName(fallbackPreset) : Deserialize(json);
    }

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
