namespace WechatLoyalty.Domain.Programme;

/// <summary>A version of the programme's rules, effective from a date; older versions are kept as history.</summary>
public class ProgrammeVersion
{
    public long Id { get; set; }
    public required string Preset { get; set; }
    public DateOnly EffectiveFrom { get; set; }

    /// <summary>The <see cref="ProgrammeRules"/> as JSON.</summary>
    public required string RulesJson { get; set; }

    public string? CreatedBy { get; set; }
    public DateTime CreatedAt { get; set; }
}
