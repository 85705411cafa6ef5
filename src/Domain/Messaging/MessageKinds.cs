namespace WechatLoyalty.Domain.Messaging;

/// <summary>The kinds of member messages. Each has one registry entry (templates, field mapping, page).</summary>
public static class MessageKinds
{
    public const string Birthday = "Birthday";
    public const string BirthdayGift = "BirthdayGift";
    public const string PointsExpiring = "PointsExpiring";
    public const string TierChanged = "TierChanged";
    public const string PointsEarned = "PointsEarned";
    public const string Campaign = "Campaign";

    public static IReadOnlyList<string> All { get; } = [Birthday, BirthdayGift, PointsExpiring, TierChanged, PointsEarned, Campaign];

    /// <summary>Values every message can use: filled in by the dispatcher from the member.</summary>
    public static IReadOnlyList<string> CommonValues { get; } = ["nickname", "memberNo", "tier", "today"];

    /// <summary>
    /// The values the sender of each kind supplies, so a field mapping can be checked when it is saved rather than
    /// failing (47003) on the day it is sent. Campaign data is whatever marketing sends, so anything goes there.
    /// </summary>
    public static IReadOnlyDictionary<string, IReadOnlyList<string>> Values { get; } = new Dictionary<string, IReadOnlyList<string>>
    {
        [Birthday] = ["date"],
        [BirthdayGift] = ["date", "points", "gift"],
        [PointsExpiring] = ["points", "date", "days", "balance"],
        [TierChanged] = ["from", "to", "direction", "date"],
        [PointsEarned] = ["points", "balance", "date"],
        [Campaign] = [],
    };

    public static bool IsKnown(string? kind) => kind is not null && Values.ContainsKey(kind);
}
