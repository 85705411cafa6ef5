using WechatLoyalty.Domain.Common;

namespace WechatLoyalty.Domain.Programme;

/// <summary>The tiers in ascending order, validated: one entry tier at 0, strictly ascending thresholds.</summary>
public sealed class TierLadder
{
    private readonly TierRule[] _tiers;

    public TierLadder(IEnumerable<TierRule> tiers)
    {
        // In ladder order (Level); thresholds must then ascend with it, so an edit cannot silently reorder tiers.
        _tiers = [.. tiers.OrderBy(t => t.Level).ThenBy(t => t.ThresholdFen)];
        if (_tiers.Length == 0)
            throw new DomainException("tiers.empty", "The tier ladder needs at least one tier.");
        if (_tiers[0].ThresholdFen != 0)
            throw new DomainException("tiers.entry", "Exactly one entry tier must qualify at 0 spend.");
        for (var i = 1; i < _tiers.Length; i++)
        {
            if (_tiers[i].ThresholdFen <= _tiers[i - 1].ThresholdFen)
                throw new DomainException("tiers.thresholds", "Tier thresholds must be strictly ascending.");
        }
        if (_tiers.Any(t => t.Code.Length is 0 or > 32 || !t.Code.All(c => char.IsAsciiLetterLower(c) || char.IsAsciiDigit(c) || c is '_' or '-')))
            throw new DomainException("tiers.codes", "Tier codes are 1-32 lower-case letters, digits, '_' or '-'.");
        if (_tiers.Select(t => t.Code).Distinct(StringComparer.OrdinalIgnoreCase).Count() != _tiers.Length)
            throw new DomainException("tiers.codes", "Tier codes must be unique.");
        if (_tiers.Any(t => t.PointsMultiplier <= 0))
            throw new DomainException("tiers.multiplier", "Points multipliers must be positive.");
    }

    public IReadOnlyList<TierRule> Tiers => _tiers;

    public TierRule Entry => _tiers[0];

    /// <summary>The highest tier whose (inclusive) threshold the net spend reaches.</summary>
    public TierRule QualifyingTier(long netSpendFen)
    {
        var result = _tiers[0];
        foreach (var tier in _tiers)
        {
            if (netSpendFen >= tier.ThresholdFen) result = tier;
        }
        return result;
    }

    public TierRule Get(string code) =>
        _tiers.FirstOrDefault(t => string.Equals(t.Code, code, StringComparison.OrdinalIgnoreCase))
        ?? throw new DomainException("tiers.unknown", $"Unknown tier '{code}'.", DomainErrorKind.NotFound);

    /// <summary>The next tier above <paramref name="code"/> and how much more spend reaches it, or null at the top.</summary>
    public (TierRule Next, long RemainingFen)? ProgressToNext(string code, long netSpendFen)
    {
        var index = Array.FindIndex(_tiers, t => string.Equals(t.Code, code, StringComparison.OrdinalIgnoreCase));
        if (index < 0 || index == _tiers.Length - 1) return null;
        var next = _tiers[index + 1];
        return (next, Math.Max(0, next.ThresholdFen - netSpendFen));
    }
}
