using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using WechatLoyalty.Api.Infrastructure.Auth;
using WechatLoyalty.Domain.Common;
using WechatLoyalty.Domain.Referrals;

namespace WechatLoyalty.Api.AdminConsole.Pages.Referrals;

/// <summary>
/// The referral leaderboard and the funnel (card opens → joins → first purchases → rewards) by referrer, store or
/// share group, for a date range of joins (programme days; default the last 30); both tables downloadable as CSV.
/// </summary>
[Authorize(Policy = Policies.Marketing)]
public sealed class ReferralsModel(ReferralQueries queries, ProgrammeClock clock, ConsoleLocalizer l) : ConsolePageModel
{
    public const int Top = 100;
    public const int MaxRangeDays = 366;

    [BindProperty(SupportsGet = true)] public DateOnly? From { get; set; }
    [BindProperty(SupportsGet = true)] public DateOnly? To { get; set; }
    [BindProperty(SupportsGet = true)] public string By { get; set; } = "referrer";

    public IReadOnlyList<LeaderboardRow> Leaderboard { get; private set; } = [];
    public IReadOnlyList<ConversionRow> Conversion { get; private set; } = [];

    public async Task<IActionResult> OnGetAsync(CancellationToken ct)
    {
        if (!await LoadAsync(ct)) Response.StatusCode = StatusCodes.Status400BadRequest;
        return Page();
    }

    public async Task<IActionResult> OnGetCsvAsync(string table, CancellationToken ct)
    {
        if (!await LoadAsync(ct)) return BadRequest(Error ?? "");
        return table == "conversion"
            ? ConsoleCsv.File($"referral-conversion-{By}-{From:yyyyMMdd}-{To:yyyyMMdd}.csv",
                ["key", "label", "opens", "openers", "joins", "first_purchases", "rewarded"],
                Conversion.Select(r => new object?[] { r.Key, r.Label, r.Opens, r.Openers, r.Joins, r.FirstPurchases, r.Rewarded }))
            : ConsoleCsv.File($"referral-leaderboard-{From:yyyyMMdd}-{To:yyyyMMdd}.csv",
                ["rank", "member_no", "name", "joined", "rewarded", "points_earned"],
                Leaderboard.Select(r => new object?[] { r.Rank, r.MemberNo, r.Name, r.Joined, r.Rewarded, r.PointsEarned }));
    }

    private async Task<bool> LoadAsync(CancellationToken ct)
    {
        To ??= clock.Today;
        From ??= To.Value.AddDays(-29);
        var by = By switch
        {
            "store" => ConversionBy.Store,
            "group" => ConversionBy.Group,
            _ => ConversionBy.Referrer,
        };
        By = by.ToString().ToLowerInvariant();
        if (From > To || To.Value.DayNumber - From.Value.DayNumber >= MaxRangeDays)
        {
            Error = l.Format("Choose a range of at most {0} days, 'from' not after 'to'.", MaxRangeDays);
            return false;
        }
        var (start, end) = (clock.StartOfDayUtc(From.Value), clock.StartOfDayUtc(To.Value.AddDays(1)));
        Leaderboard = await queries.LeaderboardAsync(start, end, Top, ct);
        Conversion = await queries.ConversionAsync(by, start, end, Top, ct);
        return true;
    }
}
