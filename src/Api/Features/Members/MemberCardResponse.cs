using WechatLoyalty.Domain.Common;
using WechatLoyalty.Domain.Members;

namespace WechatLoyalty.Api.Features.Members;

public sealed record TierView(string Code, string Name, IReadOnlyList<string> Benefits, decimal PointsMultiplier);

public sealed record PointsView(long Available, long Pending, long ExpiringSoon, DateOnly? ExpiringSoonDate);

public sealed record ProgressView(string NextTierCode, string NextTierName, long RemainingFen, string RemainingYuan);

public sealed record MemberCardResponse(
    string MemberNo,
    string? Nickname,
    string? PhoneMasked,
    DateTime JoinedAt,
    TierView Tier,
    long NetSpendFen,
    ProgressView? Progress,
    PointsView Points,
    string? StoreCode,
    string? StoreName,
    string ReferralCode,
    BirthdayView? Birthday)
{
    public static MemberCardResponse From(MemberCard c) => new(
        c.MemberNo, c.Nickname, c.PhoneMasked, c.JoinedAt,
        new TierView(c.Tier.Code, c.Tier.Name, c.Tier.Benefits, c.Tier.PointsMultiplier),
        c.NetSpendFen,
        c.NextTier is { } next ? new ProgressView(next.Code, next.Name, c.RemainingToNextFen ?? 0, Fen.Format(c.RemainingToNextFen ?? 0)) : null,
        new PointsView(c.PointsAvailable, c.PointsPending, c.PointsExpiringSoon, c.NextExpiryDate),
        c.StoreCode, c.StoreName, c.ReferralCode, c.Birthday);
}
