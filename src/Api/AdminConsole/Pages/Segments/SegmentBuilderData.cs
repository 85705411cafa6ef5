using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using WechatLoyalty.Domain.Data;
using WechatLoyalty.Domain.Programme;

namespace WechatLoyalty.Api.AdminConsole.Pages.Segments;

/// <summary>
/// What the segment form (segment-builder.js) needs from the server: the programme's tiers and the stores to pick
/// from, and its labels in the console's language. The form writes the same JSON the API takes into the definition
/// field, so saving and previewing still go through SegmentParser's checks.
/// </summary>
public static class SegmentBuilderData
{
    /// <summary>The form's labels, in English as written in the script; ConsoleTexts holds the Chinese.</summary>
    public static readonly string[] Texts =
    [
        "Audience rules", "Members matching", "all of these rules (AND)", "any of these rules (OR)", "Add a rule", "Add a group", "Remove",
        "Group matching", "Advanced: the definition as JSON",
        "This definition has groups inside groups, more than the form shows; edit it as JSON below.",
        "The JSON below is not valid; fix it, or build the rules again with the form.",
        "Tier", "Join store", "Joined", "Last purchase", "Net spend", "Orders", "Points balance", "Points expiring", "Birthday month",
        "Lifecycle stage", "Follows the official account", "Referred friends",
        "is one of", "between", "on or after", "on or before", "within the last", "not within the last", "at least", "at most", "is",
        "at least … points expiring before", "days", "days ago", "CNY", "in the last", "points", "Yes", "No", "and", "before",
        "Build the rules again",
        "new", "active", "dormant", "lost",
    ];

    public static async Task<string> JsonAsync(LoyaltyDbContext db, ProgrammeRulesStore rules, string preset, ConsoleLocalizer l, CancellationToken ct)
    {
        var tiers = (await rules.GetActiveAsync(preset, ct)).Ladder.Tiers.Select(t => new { value = t.Code, label = $"{t.Name} ({t.Code})" }).ToList();
        var stores = await db.Stores.AsNoTracking().OrderBy(s => s.Code).Select(s => new { value = s.Id, label = s.Code + " " + s.Name }).ToListAsync(ct);
        return JsonSerializer.Serialize(new
        {
            lang = l.Culture, tiers, stores, texts = Texts.Distinct().ToDictionary(t => t, t => l[t]),
        });
    }
}
