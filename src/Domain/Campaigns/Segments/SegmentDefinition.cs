namespace WechatLoyalty.Domain.Campaigns.Segments;

/// <summary>
/// A segment: a tree of AND/OR groups over member criteria (loyalty-rules §5). Built only by
/// <see cref="SegmentParser"/> from its JSON form, so every instance is valid; compiled to SQL by <see cref="SegmentSql"/>.
/// </summary>
public abstract record SegmentNode;

public enum GroupOperator { And, Or }

public sealed record SegmentGroup(GroupOperator Operator, IReadOnlyList<SegmentNode> Rules) : SegmentNode;

/// <summary>Current tier is one of the codes.</summary>
public sealed record TierCriterion(IReadOnlyList<string> In) : SegmentNode;

/// <summary>Registered through (attributed to) one of the stores.</summary>
public sealed record StoreCriterion(IReadOnlyList<long> In) : SegmentNode;

/// <summary>Joined on or after <see cref="From"/> and on or before <see cref="To"/> (programme days, inclusive).</summary>
public sealed record JoinedCriterion(DateOnly? From, DateOnly? To) : SegmentNode;

/// <summary>
/// Recency of the last purchase, in programme days: <see cref="WithinDays"/> = bought since the start of the day N
/// days ago; <see cref="NotWithinDays"/> = did not (members who never bought included). Both: a window between.
/// </summary>
public sealed record LastPurchaseCriterion(int? WithinDays, int? NotWithinDays) : SegmentNode;

/// <summary>Net spend (payer_total minus refunds) over the last <see cref="Days"/> days, fen, inclusive bounds.</summary>
public sealed record NetSpendCriterion(long? MinFen, long? MaxFen, int Days) : SegmentNode;

/// <summary>Paid purchases not fully refunded over the last <see cref="Days"/> days, inclusive bounds.</summary>
public sealed record OrderCountCriterion(int? Min, int? Max, int Days) : SegmentNode;

/// <summary>Available points balance, inclusive bounds.</summary>
public sealed record PointsBalanceCriterion(long? Min, long? Max) : SegmentNode;

/// <summary>At least <see cref="Min"/> available points in lots whose last day is before <see cref="Before"/>.</summary>
public sealed record PointsExpiringCriterion(DateOnly Before, long Min) : SegmentNode;

public sealed record BirthdayMonthCriterion(IReadOnlyList<int> In) : SegmentNode;

public enum LifecycleStage { New, Active, Dormant, Lost }

public sealed record LifecycleCriterion(IReadOnlyList<LifecycleStage> In) : SegmentNode;

/// <summary>Follows (true) or does not follow (false) the official account.</summary>
public sealed record FollowsOaCriterion(bool Value) : SegmentNode;

/// <summary>
/// Members this member referred (members.referrer_id, attributed joins, deleted ones not counted). Pending the
/// referrals merge: that branch may prefer counting only rewarded referrals from its own table.
/// </summary>
public sealed record ReferralsCriterion(int? Min, int? Max) : SegmentNode;
