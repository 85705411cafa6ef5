using System.Globalization;
using System.Text.Json;
using WechatLoyalty.Domain.Common;

namespace WechatLoyalty.Domain.Campaigns.Segments;

/// <summary>
/// Reads a segment definition strictly: every object names its <c>type</c>, carries only the fields of that type,
/// and each value is checked; anything else is a <see cref="DomainException"/> (400) naming the JSON path. Strict so
/// that a misspelt field ("tiers" for "in") is an error and not a segment silently wider than intended.
/// <code>
/// { "type": "and", "rules": [
///     { "type": "tier", "in": ["GOLD", "DIAMOND"] },
///     { "type": "or", "rules": [ { "type": "lifecycle", "in": ["dormant"] }, { "type": "followsOa", "value": false } ] } ] }
/// </code>
/// </summary>
public static class SegmentParser
{
    public const int MaxDepth = 6;
    public const int MaxNodes = 100;
    public const int MaxListItems = 200;

    public static readonly IReadOnlyList<string> Types =
    [
        "and", "or", "tier", "store", "joined", "lastPurchase", "netSpend", "orderCount", "pointsBalance",
        "pointsExpiring", "birthdayMonth", "lifecycle", "followsOa", "referrals",
    ];

    public static SegmentNode Parse(string json)
    {
        try
        {
            using var document = JsonDocument.Parse(json);
            return Parse(document.RootElement);
        }
        catch (JsonException ex)
        {
            throw Invalid("$", $"not valid JSON ({ex.Message})");
        }
    }

    public static SegmentNode Parse(JsonElement root)
    {
        var nodes = 0;
        return Node(root, "$", 1, ref nodes);
    }

    private static SegmentNode Node(JsonElement e, string path, int depth, ref int nodes)
    {
        if (e.ValueKind != JsonValueKind.Object) throw Invalid(path, "must be an object with a 'type'");
        if (++nodes > MaxNodes) throw Invalid(path, $"a segment has at most {MaxNodes} rules");
        if (depth > MaxDepth) throw Invalid(path, $"groups nest at most {MaxDepth} deep");
        var type = e.TryGetProperty("type", out var t) && t.ValueKind == JsonValueKind.String ? t.GetString()! : throw Invalid(path, "'type' (a string) is required");
        switch (type)
        {
            case "and":
            case "or":
                Only(e, path, "rules");
                var rules = e.TryGetProperty("rules", out var r) && r.ValueKind == JsonValueKind.Array ? r : throw Invalid(path, "'rules' (an array) is required");
                if (rules.GetArrayLength() == 0) throw Invalid(path + ".rules", "a group needs at least one rule");
                var children = new List<SegmentNode>();
                var i = 0;
                foreach (var child in rules.EnumerateArray()) children.Add(Node(child, $"{path}.rules[{i++}]", depth + 1, ref nodes));
                return new SegmentGroup(type == "and" ? GroupOperator.And : GroupOperator.Or, children);
            case "tier":
                Only(e, path, "in");
                return new TierCriterion(List(e, path, "in", x => x.ValueKind == JsonValueKind.String && x.GetString()!.Trim().Length is > 0 and <= 32
                    ? x.GetString()!.Trim() : null, "tier codes"));
            case "store":
                Only(e, path, "in");
                return new StoreCriterion(List(e, path, "in", x => x.ValueKind == JsonValueKind.Number && x.TryGetInt64(out var id) && id > 0 ? id : (long?)null, "store ids")
                    .Select(v => v!.Value).ToList());
            case "joined":
                Only(e, path, "from", "to");
                var from = Date(e, path, "from");
                var to = Date(e, path, "to");
                if (from is null && to is null) throw Invalid(path, "give 'from', 'to' or both");
                if (from > to) throw Invalid(path, "'from' is after 'to'");
                return new JoinedCriterion(from, to);
            case "lastPurchase":
                Only(e, path, "withinDays", "notWithinDays");
                var within = Int(e, path, "withinDays", 1, 3650);
                var notWithin = Int(e, path, "notWithinDays", 1, 3650);
                if (within is null && notWithin is null) throw Invalid(path, "give 'withinDays', 'notWithinDays' or both");
                if (within <= notWithin) throw Invalid(path, "'withinDays' must be larger than 'notWithinDays' (a purchase between the two)");
                return new LastPurchaseCriterion(within, notWithin);
            case "netSpend":
                Only(e, path, "minFen", "maxFen", "days");
                var (minFen, maxFen) = Range(e, path, "minFen", "maxFen", 0, 10_000_000_000L);
                return new NetSpendCriterion(minFen, maxFen, Int(e, path, "days", 1, 3650) ?? 365);
            case "orderCount":
                Only(e, path, "min", "max", "days");
                var (minOrders, maxOrders) = Range(e, path, "min", "max", 0, 1_000_000);
                return new OrderCountCriterion((int?)minOrders, (int?)maxOrders, Int(e, path, "days", 1, 3650) ?? 365);
            case "pointsBalance":
                Only(e, path, "min", "max");
                var (minPoints, maxPoints) = Range(e, path, "min", "max", -1_000_000_000, 1_000_000_000);
                return new PointsBalanceCriterion(minPoints, maxPoints);
            case "pointsExpiring":
                Only(e, path, "before", "min");
                var before = Date(e, path, "before") ?? throw Invalid(path, "'before' (a date) is required");
                return new PointsExpiringCriterion(before, Long(e, path, "min", 1, 1_000_000_000) ?? 1);
            case "birthdayMonth":
                Only(e, path, "in");
                return new BirthdayMonthCriterion(List(e, path, "in", x => x.ValueKind == JsonValueKind.Number && x.TryGetInt32(out var m) && m is >= 1 and <= 12 ? m : (int?)null, "months 1..12")
                    .Select(v => v!.Value).ToList());
            case "lifecycle":
                Only(e, path, "in");
                return new LifecycleCriterion(List(e, path, "in", x => x.ValueKind == JsonValueKind.String ? Stage(x.GetString()!) : null, "stages new, active, dormant, lost")
                    .Select(v => v!.Value).ToList());
            case "followsOa":
                Only(e, path, "value");
                return new FollowsOaCriterion(e.TryGetProperty("value", out var v) && v.ValueKind is JsonValueKind.True or JsonValueKind.False
                    ? v.GetBoolean() : throw Invalid(path, "'value' (true or false) is required"));
            case "referrals":
                Only(e, path, "min", "max");
                var (minRefs, maxRefs) = Range(e, path, "min", "max", 0, 1_000_000);
                return new ReferralsCriterion((int?)minRefs, (int?)maxRefs);
            default:
                throw Invalid(path + ".type", $"unknown type '{type}'; one of: {string.Join(", ", Types)}");
        }
    }

    private static LifecycleStage? Stage(string s) => s switch
    {
        "new" => LifecycleStage.New, "active" => LifecycleStage.Active, "dormant" => LifecycleStage.Dormant, "lost" => LifecycleStage.Lost, _ => null,
    };

    private static void Only(JsonElement e, string path, params string[] allowed)
    {
        foreach (var p in e.EnumerateObject())
        {
            if (p.Name != "type" && !allowed.Contains(p.Name))
                throw Invalid($"{path}.{p.Name}", $"unknown field; this type takes {(allowed.Length == 0 ? "nothing else" : string.Join(", ", allowed))}");
        }
    }

    private static List<T> List<T>(JsonElement e, string path, string name, Func<JsonElement, T?> item, string what)
    {
        if (!e.TryGetProperty(name, out var a) || a.ValueKind != JsonValueKind.Array || a.GetArrayLength() == 0)
            throw Invalid(path, $"'{name}' (a non-empty array of {what}) is required");
        if (a.GetArrayLength() > MaxListItems) throw Invalid($"{path}.{name}", $"at most {MaxListItems} items");
        var list = new List<T>();
        var i = 0;
        foreach (var x in a.EnumerateArray())
        {
            var value = item(x) ?? throw Invalid($"{path}.{name}[{i}]", $"expected {what}");
            if (!list.Contains(value)) list.Add(value);
            i++;
        }
        return list;
    }

    private static DateOnly? Date(JsonElement e, string path, string name)
    {
        if (!e.TryGetProperty(name, out var d) || d.ValueKind == JsonValueKind.Null) return null;
        return d.ValueKind == JsonValueKind.String
            && DateOnly.TryParseExact(d.GetString(), "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var date)
            ? date : throw Invalid($"{path}.{name}", "expected a date yyyy-MM-dd");
    }

    private static long? Long(JsonElement e, string path, string name, long min, long max)
    {
        if (!e.TryGetProperty(name, out var n) || n.ValueKind == JsonValueKind.Null) return null;
        return n.ValueKind == JsonValueKind.Number && n.TryGetInt64(out var value) && value >= min && value <= max
            ? value : throw Invalid($"{path}.{name}", $"expected a whole number {min}..{max}");
    }

    private static int? Int(JsonElement e, string path, string name, int min, int max) => (int?)Long(e, path, name, min, max);

    private static (long? Min, long? Max) Range(JsonElement e, string path, string minName, string maxName, long lo, long hi)
    {
        var min = Long(e, path, minName, lo, hi);
        var max = Long(e, path, maxName, lo, hi);
        if (min is null && max is null) throw Invalid(path, $"give '{minName}', '{maxName}' or both");
        if (min > max) throw Invalid(path, $"'{minName}' is larger than '{maxName}'");
        return (min, max);
    }

    private static DomainException Invalid(string path, string problem) =>
        new("segment.invalid", $"Segment definition {path}: {problem}.");
}
