using System.Globalization;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

namespace WechatLoyalty.Simulator.Weixin;

/// <summary>Value limits of subscribe-message keywords (thing ≤20, number ≤32 digits, ...) and of OA template values
/// (≤20 characters, no line breaks since 2023-05-04). Returns the 47003 errmsg, or null when the data is valid.</summary>
internal static partial class TemplateDataRules
{
    public static string? ValidateSubscribe(JsonNode? data) => Validate(data, subscribe: true);

    public static string? ValidateTemplate(JsonNode? data) => Validate(data, subscribe: false);

    private static string? Validate(JsonNode? data, bool subscribe)
    {
        if (data is not JsonObject fields || fields.Count == 0)
        {
            return "argument invalid! data is empty";
        }

        foreach (var (key, node) in fields)
        {
            if (node is not JsonObject field || field["value"] is not JsonValue v || !v.TryGetValue<string>(out var value) || value.Length == 0)
            {
                return $"argument invalid! data.{key}.value is empty";
            }

            if (value.Any(char.IsControl))
            {
                return $"argument invalid! data.{key}.value contains control characters";
            }

            var problem = subscribe ? CheckKeyword(key, value) : (Length(value) > 20 ? "exceeds 20 characters" : null);
            if (problem is not null)
            {
                return $"argument invalid! data.{key}.value {problem}";
            }
        }

        return null;
    }

    private static string? CheckKeyword(string key, string value)
    {
        var match = KeywordKey().Match(key);
        if (!match.Success)
        {
            return "has an unknown keyword type";
        }

        var length = Length(value);
        return match.Groups[1].Value switch
        {
            "thing" => length <= 20 ? null : "exceeds 20 characters for thing",
            "number" => NumberValue().IsMatch(value) && length <= 32 ? null : "is not a number of at most 32 digits",
            "letter" => LetterValue().IsMatch(value) ? null : "is not at most 32 letters",
            "symbol" => length <= 5 ? null : "exceeds 5 symbols",
            "character_string" => CharacterString().IsMatch(value) ? null : "is not at most 32 digits, letters or symbols",
            "time" => TimeValue().IsMatch(value) ? null : "is not a time",
            "date" => DateValue().IsMatch(value) ? null : "is not a date",
            "amount" => AmountValue().IsMatch(value) ? null : "is not an amount",
            "phone_number" => PhoneValue().IsMatch(value) ? null : "is not a phone number",
            "car_number" => length <= 8 ? null : "exceeds 8 characters for car_number",
            "name" => value.All(char.IsAscii) ? (length <= 20 ? null : "exceeds 20 letters for name") : (length <= 10 ? null : "exceeds 10 characters for name"),
            "phrase" => PhraseValue().IsMatch(value) ? null : "is not at most 5 Chinese characters",
            "enum" => null,
            _ => "has an unknown keyword type",
        };
    }

    /// <summary>Counts user-perceived characters (a 4-byte emoji is one).</summary>
    private static int Length(string value) => new StringInfo(value).LengthInTextElements;

    [GeneratedRegex("^([a-z_]+?)([0-9]+)$")]
    private static partial Regex KeywordKey();

    [GeneratedRegex(@"^-?[0-9]+(\.[0-9]+)?$")]
    private static partial Regex NumberValue();

    [GeneratedRegex("^[A-Za-z]{1,32}$")]
    private static partial Regex LetterValue();

    [GeneratedRegex(@"^[\x21-\x7E]{1,32}$")]
    private static partial Regex CharacterString();

    private const string DatePart = @"[0-9]{4}(-|/|年)[0-9]{1,2}(-|/|月)[0-9]{1,2}日?";
    private const string TimePart = "[0-9]{1,2}:[0-9]{2}(:[0-9]{2})?";

    [GeneratedRegex("^(" + DatePart + " ?)?" + TimePart + "( ?~ ?(" + DatePart + " ?)?" + TimePart + ")?$")]
    private static partial Regex TimeValue();

    [GeneratedRegex("^" + DatePart + "( " + TimePart + ")?( ?~ ?" + DatePart + "( " + TimePart + ")?)?$")]
    private static partial Regex DateValue();

    [GeneratedRegex(@"^[¥￥$€£]?[0-9]{1,10}(\.[0-9]{1,2})?元?$")]
    private static partial Regex AmountValue();

    [GeneratedRegex(@"^[0-9+\-() ]{1,17}$")]
    private static partial Regex PhoneValue();

    [GeneratedRegex(@"^[\u4e00-\u9fa5]{1,5}$")]
    private static partial Regex PhraseValue();
}
