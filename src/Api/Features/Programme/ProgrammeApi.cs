using Microsoft.Extensions.Options;
using WechatLoyalty.Api.Infrastructure;
using WechatLoyalty.Domain.Common;
using WechatLoyalty.Domain.Programme;

namespace WechatLoyalty.Api.Features.Programme;

internal static class ProgrammeApi
{
    public static void MapProgrammeApi(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/api/programme").WithTags("Programme");
        group.MapGet("/", GetProgramme)
            .WithSummary("The programme in effect: tiers with thresholds and benefits, earning, expiry and redemption rules.");
    }

    internal static async Task<ProgrammeResponse> GetProgramme(
        ProgrammeRulesStore store, IOptions<ProgrammeOptions> options, CancellationToken ct)
    {
        var rules = await store.GetActiveAsync(options.Value.Preset, ct);
        return new ProgrammeResponse(
            rules.Preset,
            options.Value.TimeZone,
            [.. rules.Ladder.Tiers.Select(t => new TierResponse(
                t.Code, t.Name, t.ThresholdFen, Fen.Format(t.ThresholdFen), t.PointsMultiplier, t.BirthdayGift, t.Benefits))],
            new PointsPolicyResponse(
                rules.PointsExpiryMonths, rules.PendingDays, rules.RedemptionPointsPerYuan,
                rules.RedemptionStepPoints, rules.RedemptionMaxPercentOfOrder));
    }
}

internal sealed record ProgrammeResponse(string Preset, string TimeZone, IReadOnlyList<TierResponse> Tiers, PointsPolicyResponse Points);

internal sealed record TierResponse(
    string Code, string Name, long ThresholdFen, string ThresholdYuan, decimal PointsMultiplier, bool BirthdayGift, IReadOnlyList<string> Benefits);

internal sealed record PointsPolicyResponse(
    int ExpiryMonths, int PendingDays, int RedemptionPointsPerYuan, int RedemptionStepPoints, int RedemptionMaxPercentOfOrder);
