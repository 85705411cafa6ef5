using System.Text.Json;
using System.Text.RegularExpressions;
using WechatLoyalty.Domain.Common;

namespace WechatLoyalty.Domain.Campaigns;

/// <summary>
/// A campaign's template field values. A value may carry the placeholders {name} (nickname, or 会员 without one),
/// {tier} (tier name) and {points} (available points when the message is sent); any other {word} is refused, so a
/// typo never reaches members as literal braces.
/// </summary>
public static partial class CampaignFields
{
    public const int MaxFields = 20;
    public const int MaxKey = 32;
    public const int MaxValue = 200;
    public static readonly IReadOnlyList<string> Placeholders = ["name", "tier", "points"];

    [GeneratedRegex(@"\{([^{}]*)\}")]
    private static partial Regex Placeholder();

    [GeneratedRegex("^[A-Za-z][A-Za-z0-9_]*$")]
    private static partial Regex Key();

    public static IReadOnlyDictionary<string, string> Validate(IReadOnlyDictionary<string, string>? fields)
    {
        if (fields is null || fields.Count == 0) throw Invalid("'fields' (template field → value) is required.");
        if (fields.Count > MaxFields) throw Invalid($"At most {MaxFields} fields.");
        foreach (var (key, value) in fields)
        {
            if (key.Length > MaxKey || !Key().IsMatch(key)) throw Invalid($"Field name '{key}' must be a letter then letters, digits or _ (at most {MaxKey}).");
            if (value is null || value.Length > MaxValue) throw Invalid($"Field '{key}' needs a value of at most {MaxValue} characters.");
            foreach (Match m in Placeholder().Matches(value))
            {
                if (!Placeholders.Contains(m.Groups[1].Value))
                    throw Invalid($"Field '{key}' has an unknown placeholder {{{m.Groups[1].Value}}}; known: {{name}}, {{tier}}, {{points}}.");
            }
        }
        return fields;
    }

    public static string Serialize(IReadOnlyDictionary<string, string> fields) => JsonSerializer.Serialize(fields);

    public static Dictionary<string, string> Deserialize(string json) => JsonSerializer.Deserialize<Dictionary<string, string>>(json)!;

    /// <summary>The values one member receives.</summary>
    public static Dictionary<string, string> Render(IReadOnlyDictionary<string, string> fields, string? nickname, string tierName, long points) =>
        fields.ToDictionary(f => f.Key, f => Placeholder().Replace(f.Value, m => m.Groups[1].Value switch
        {
            "name" => string.IsNullOrWhiteSpace(nickname) ? "会员" : nickname,
            "tier" => tierName,
            "points" => points.ToString(System.Globalization.CultureInfo.InvariantCulture),
            _ => m.Value,
        }));

    private static DomainException Invalid(string message) => new("campaign.fields", message);
}
