namespace WechatLoyalty.Domain.Programme;

/// <summary>
/// The two presets of loyalty-rules.md: <c>accessory</c> (the default, seed 002) and <c>mall</c> (seed 004).
/// </summary>
public static class ProgrammePresets
{
    public const string AccessoryName = "accessory";
    public const string MallName = "mall";

    public static ProgrammeRules Accessory { get; } = new ProgrammeRules
    {
        Preset = AccessoryName,
        Tiers =
        [
            new(0, "ordinary", "普通 Ordinary", 0, 1m, false, ["points 1×", "member prices"]),
            new(1, "silver", "銀卡 Silver", 300_000, 1m, false, ["5% discount", "event invitations", "points 1×"]),
            new(2, "gold", "金卡 Gold", 500_000, 1m, true, ["10% discount", "early access", "birthday gift", "points 1×"]),
            new(3, "diamond", "鑽石 Diamond", 1_000_000, 1m, true, ["15% discount", "dedicated service", "birthday gift", "points 1×"]),
        ],
        PointsExpiryMonths = 24,
        PendingDays = 0,
    }.Validated();

    public static ProgrammeRules Mall { get; } = new ProgrammeRules
    {
        Preset = MallName,
        Tiers =
        [
            new(0, "ordinary", "普通 Ordinary", 0, 1m, false, ["points 1×"]),
            new(1, "gold", "金卡 Gold", 5_000_000, 2m, true, ["points ×2", "birthday treat"]),
            new(2, "platinum", "白金 Platinum", 10_000_000, 2m, true, ["points ×2", "birthday gift", "parking"]),
            new(3, "diamond", "鑽石 Diamond", 20_000_000, 2m, true, ["points ×2", "birthday gift", "personal shopper"]),
        ],
        PointsExpiryMonths = 12,
        PendingDays = 7,
    }.Validated();

    public static ProgrammeRules ByName(string name) => name.ToLowerInvariant() switch
    {
        AccessoryName => Accessory,
        MallName => Mall,
        _ => throw new Common.DomainException("programme.preset", $"Unknown preset '{name}'. Use 'accessory' or 'mall'."),
    };
}
