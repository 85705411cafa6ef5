using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using WechatLoyalty.Domain.Common;

namespace WechatLoyalty.Domain.Messaging;

/// <summary>
/// A template's field mapping: field key (<c>thing1</c>, <c>time2</c>) → text with <c>{value}</c> placeholders.
/// Rendering fills the placeholders and keeps every value inside WeChat's limits (at most 20 characters, no control
/// characters, never empty), so a long nickname cannot make a send fail with 47003.
/// </summary>
public static partial class TemplateFields
{
    public const int MaxValueLength = 20;
    private const int MaxFields = 10;
    private const int MaxPatternLength = 200;

    public static IReadOnlyDictionary<string, string> Parse(string json) =>
        JsonSerializer.Deserialize<Dictionary<string, string>>(json) ?? [];

    public static string Serialize(IReadOnlyDictionary<string, string> fields) => JsonSerializer.Serialize(fields, Json);

    /// <summary>Chinese stays readable in the stored JSON (a MariaDB json column, never HTML).</summary>
    internal static readonly JsonSerializerOptions Json = new() { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    /// <summary>The placeholders a pattern uses, e.g. <c>{points}</c> → points.</summary>
    public static IEnumerable<string> Placeholders(string pattern) =>
        Placeholder().Matches(pattern).Select(m => m.Groups[1].Value);

    /// <summary>Throws a <see cref="DomainException"/> naming the first problem of a mapping for <paramref name="kind"/>.</summary>
    public static void Validate(string kind, string channel, IReadOnlyDictionary<string, string>? fields)
    {
        if (fields is null || fields.Count == 0)
            throw Invalid($"{channel}: a template needs at least one field.");
        if (fields.Count > MaxFields)
            throw Invalid($"{channel}: at most {MaxFields} fields.");
        var allowed = MessageKinds.CommonValues.Concat(MessageKinds.Values[kind]).ToHashSet(StringComparer.Ordinal);
        foreach (var (key, pattern) in fields)
        {
            if (!FieldKey().IsMatch(key))
                throw Invalid($"{channel}: field key '{key}' must look like thing1 or keyword2.");
            if (string.IsNullOrWhiteSpace(pattern) || pattern.Length > MaxPatternLength || pattern.Any(char.IsControl))
                throw Invalid($"{channel}: field '{key}' needs a one-line text of at most {MaxPatternLength} characters.");
            if (kind != MessageKinds.Campaign && Placeholders(pattern).FirstOrDefault(p => !allowed.Contains(p)) is { } unknown)
                throw Invalid($"{channel}: field '{key}' uses {{{unknown}}}, which {kind} messages do not have. Known: {string.Join(", ", allowed.Order())}.");
        }
    }

    /// <summary>Fills each field's placeholders from <paramref name="values"/>; an unknown placeholder becomes empty.</summary>
    public static Dictionary<string, string> Render(IReadOnlyDictionary<string, string> fields, IReadOnlyDictionary<string, string> values)
    {
        var data = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var (key, pattern) in fields)
        {
            var text = Placeholder().Replace(pattern, m => values.TryGetValue(m.Groups[1].Value, out var v) ? OneLine(v) : "");
            data[key] = Fit(text);
        }
        return data;
    }

    private static string OneLine(string value) => new string(value.Select(c => char.IsControl(c) ? ' ' : c).ToArray()).Trim();

    /// <summary>One line, at most 20 user-perceived characters, never empty (WeChat rejects empty values).</summary>
    public static string Fit(string text)
    {
        var clean = new StringBuilder(text.Length);
        foreach (var c in text) clean.Append(char.IsControl(c) ? ' ' : c);
        var value = clean.ToString().Trim();
        var info = new StringInfo(value);
        if (info.LengthInTextElements > MaxValueLength) value = info.SubstringByTextElements(0, MaxValueLength - 1) + "…";
        return value.Length == 0 ? "-" : value;
    }

    /// <summary>A mini-program page: no leading '/', no spaces, at most 256 characters.</summary>
    public static void ValidatePage(string? page)
    {
        if (page is null) return;
        if (page.Length is 0 or > 256 || page.StartsWith('/') || page.Any(c => char.IsWhiteSpace(c) || char.IsControl(c)))
            throw Invalid("The page must be a mini-program page path such as pages/points/index (no leading '/', no spaces).");
    }

    public static void ValidateTemplateId(string? id, string channel)
    {
        if (id is null) return;
        if (!TemplateId().IsMatch(id))
            throw Invalid($"{channel}: the template id must be 1-64 letters, digits, '-' or '_'.");
    }

    private static DomainException Invalid(string message) => new("messages.template_invalid", message);

    [GeneratedRegex(@"\{([A-Za-z][A-Za-z0-9_]{0,31})\}")]
    private static partial Regex Placeholder();

    [GeneratedRegex("^[A-Za-z_][A-Za-z0-9_]{0,31}$")]
    private static partial Regex FieldKey();

    [GeneratedRegex("^[A-Za-z0-9_-]{1,64}$")]
    private static partial Regex TemplateId();
}
