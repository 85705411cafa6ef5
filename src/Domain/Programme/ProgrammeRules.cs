using WechatLoyalty.Domain.Common;

namespace WechatLoyalty.Domain.Programme;

/// <summary>
/// One rung of the tier ladder. Thresholds are net spend over a rolling 365 days, inclusive.
/// <see cref="UpgradeRewardPoints"/> are granted once when a payment lifts a member to this tier [004].
/// </summary>
public sealed record TierRule(
    int Level,
    string Code,
    string Name,
    long ThresholdFen,
    decimal PointsMultiplier,
    bool BirthdayGift,
    IReadOnlyList<string> Benefits,
    int UpgradeRewardPoints = 0);

/// <summary>
/// Everything the seeds disagree on is configuration (loyalty-rules.md). A programme runs one version of these
/// rules at a time; versions are kept with the date they took effect so history can be explained.
/// </summary>
public sealed record ProgrammeRules
{
    public required string Preset { get; init; }
    public required IReadOnlyList<TierRule> Tiers { get; init; }

    /// <summary>A lot expires at the end of the day this many months after it was earned.</summary>
    public int PointsExpiryMonths { get; init; } = 24;

    /// <summary>Points stay pending for the return window before they can be spent.</summary>
    public int PendingDays { get; init; }

    public int WelcomePoints { get; init; }
    public int ReferralWelcomePoints { get; init; } = 100;
    public int ReferrerRewardPoints { get; init; } = 300;
    public int ReferrerMonthlyRewardCap { get; init; } = 20;
    public int BirthdayGiftPoints { get; init; } = 200;

    /// <summary>A tier is held at least this long after it was last reached before a downgrade.</summary>
    public int TierGuaranteedMonths { get; init; } = 12;

    public int RedemptionPointsPerYuan { get; init; } = 10;
    public int RedemptionStepPoints { get; init; } = 500;
    public int RedemptionMaxPercentOfOrder { get; init; } = 50;

    public IReadOnlyList<int> ExpiryReminderDays { get; init; } = [30, 7];

    public TierLadder Ladder => new(Tiers);

    /// <summary>Throws a <see cref="DomainException"/> naming the first broken rule.</summary>
    public ProgrammeRules Validated()
    {
        _ = new TierLadder(Tiers);
        Require(PointsExpiryMonths is >= 1 and <= 120, "PointsExpiryMonths must be between 1 and 120.");
        Require(PendingDays is >= 0 and <= 90, "PendingDays must be between 0 and 90.");
        Require(TierGuaranteedMonths is >= 0 and <= 60, "TierGuaranteedMonths must be between 0 and 60.");
        Require(RedemptionPointsPerYuan > 0 && RedemptionStepPoints > 0, "Redemption rates must be positive.");
        Require(RedemptionMaxPercentOfOrder is > 0 and <= 100, "RedemptionMaxPercentOfOrder must be 1..100.");
        Require(Tiers.All(t => t.UpgradeRewardPoints >= 0), "Upgrade rewards cannot be negative.");
        Require(WelcomePoints >= 0 && ReferralWelcomePoints >= 0 && ReferrerRewardPoints >= 0 && BirthdayGiftPoints >= 0,
            "Reward points cannot be negative.");
        Require(ExpiryReminderDays.All(d => d is > 0 and <= 365), "Expiry reminder days must be 1..365.");
        return this;
    }

    private static void Require(bool condition, string message)
    {
        if (!condition) throw new DomainException("programme.invalid", message);
    }
}
