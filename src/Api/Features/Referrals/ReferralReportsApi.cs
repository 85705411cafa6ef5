using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using WechatLoyalty.Api.Infrastructure.Auth;
using WechatLoyalty.Domain.Common;
using WechatLoyalty.Domain.Data;
using WechatLoyalty.Domain.Referrals;

namespace WechatLoyalty.Api.Features.Referrals;

/// <summary>
/// Marketing's referral views: leaderboard, the opens → joins → first purchases funnel per referrer, store or
/// group, and the refusals with their reasons. Days are programme days (from and to inclusive), default the last 30.
/// </summary>
internal static class ReferralReportsApi
{
    private const int MaxRangeDays = 366;

    public static void MapReferralReportsApi(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/api/admin/referrals").WithTags("Referrals (marketing)").RequireAuthorization(Policies.Marketing);
        group.MapGet("/leaderboard", Leaderboard).WithSummary("Referrers ranked by rewarded referrals, then joins, among friends who joined in the period.");
        group.MapGet("/conversion", Conversion).WithSummary("Card opens → joins → first purchases → rewards, by=referrer|store|group.");
        group.MapGet("/refusals", Refusals).WithSummary("Refused referrals and rewards with their reasons.");
    }

    public sealed record RefusalRow(long Id, string Stage, string Reason, long? ReferrerMemberId, long? RefereeMemberId, string? Code, string? Detail, DateTime At);

    internal static async Task<Ok<IReadOnlyList<LeaderboardRow>>> Leaderboard(
        DateOnly? from, DateOnly? to, int? top, ReferralQueries queries, ProgrammeClock clock, CancellationToken ct)
    {
        var (start, end) = Range(from, to, clock);
        return TypedResults.Ok(await queries.LeaderboardAsync(start, end, Top(top), ct));
    }

    internal static async Task<Ok<IReadOnlyList<ConversionRow>>> Conversion(
        string? by, DateOnly? from, DateOnly? to, int? top, ReferralQueries queries, ProgrammeClock clock, CancellationToken ct)
    {
        var cut = by?.ToLowerInvariant() switch
        {
            null or "referrer" => ConversionBy.Referrer,
            "store" => ConversionBy.Store,
            "group" => ConversionBy.Group,
            _ => throw new DomainException("report.by_invalid", "by must be referrer, store or group."),
        };
        var (start, end) = Range(from, to, clock);
        return TypedResults.Ok(await queries.ConversionAsync(cut, start, end, Top(top), ct));
    }

    internal static async Task<Ok<List<RefusalRow>>> Refusals(
        DateOnly? from, DateOnly? to, string? reason, int? top, LoyaltyDbContext db, ProgrammeClock clock, CancellationToken ct)
    {
        var (start, end) = Range(from, to, clock);
        var query = db.ReferralRefusals.AsNoTracking().Where(r => r.At >= start && r.At < end);
        if (!string.IsNullOrWhiteSpace(reason)) query = query.Where(r => r.Reason == reason);
        var rows = await query.OrderByDescending(r => r.At).ThenByDescending(r => r.Id).Take(Top(top))
            .Select(r => new { r.Id, r.Stage, r.Reason, r.ReferrerMemberId, r.RefereeMemberId, r.Code, r.Detail, r.At }).ToListAsync(ct);
        return TypedResults.Ok(rows.Select(r => new RefusalRow(r.Id, r.Stage.ToString(), r.Reason, r.ReferrerMemberId, r.RefereeMemberId, r.Code,
            r.Detail, r.At)).ToList());
    }

    private static (DateTime Start, DateTime End) Range(DateOnly? from, DateOnly? to, ProgrammeClock clock)
    {
        var last = to ?? clock.Today;
        var first = from ?? last.AddDays(-29);
        if (first > last) throw new DomainException("report.range_invalid", "from must not be after to.");
        if (last.DayNumber - first.DayNumber >= MaxRangeDays) throw new DomainException("report.range_invalid", $"At most {MaxRangeDays} days at a time.");
        return (clock.StartOfDayUtc(first), clock.StartOfDayUtc(last.AddDays(1)));
    }

    private static int Top(int? top) => top switch
    {
        null => 50,
        < 1 or > 500 => throw new DomainException("report.top_invalid", "top must be 1..500."),
        _ => top.Value,
    };
}

internal static class ReferralsRegistration
{
    /// <summary>The poster composer: one per process (it holds the loaded font).</summary>
    public static IServiceCollection AddReferralsApi(this IServiceCollection services) =>
        services.AddSingleton(sp => new ReferralPoster(sp.GetRequiredService<IOptions<ReferralsOptions>>().Value.PosterFontFile));
}
