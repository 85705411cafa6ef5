using System.Text;
using MySqlConnector;
using WechatLoyalty.Domain.Common;

namespace WechatLoyalty.Domain.Campaigns.Segments;

/// <summary>
/// A segment as SQL over <c>members m</c>, with its parameters: the audience is counted and frozen by MariaDB (one
/// statement), never by loading members. Per-member facts come from at most four derived tables joined once, each one
/// pass over its table with conditional aggregates for every criterion that needs it: payments (last purchase, net
/// spend and order count per window), available lots (points expiring), official-account followers and referrals.
/// Measured on 30,000 members with 90,000 payments (tests/Api.Tests/Campaigns/SegmentScaleTests), this is several
/// times faster than a correlated subquery per member and criterion, which MariaDB runs row by row.
/// Day-based windows are programme days: "within 30 days" is the last 30 days including today (from the start of
/// the day 29 days ago), as the rolling-year net spend of the tiers is the last 365.
/// </summary>
public sealed class SegmentSql
{
    private const string LastPurchaseAggregate = "MAX(CASE WHEN p.payer_total_fen > p.refunded_fen THEN p.paid_at END)";

    private readonly List<MySqlParameter> _parameters = [];
    private readonly List<string> _payments = [];
    private readonly List<string> _lots = [];
    private bool _follows;
    private bool _referrals;
    private readonly ProgrammeClock _clock;
    private readonly LifecycleThresholds _lifecycle;

    private SegmentSql(ProgrammeClock clock, LifecycleThresholds lifecycle)
    {
        _clock = clock;
        _lifecycle = lifecycle;
    }

    /// <summary>The table expression to follow <c>FROM</c>: members m and the derived tables the condition uses.</summary>
    public string From { get; private set; } = "";

    /// <summary>The condition (always excluding deleted members), to follow <c>WHERE</c>.</summary>
    public string Where { get; private set; } = "";

    public IReadOnlyList<MySqlParameter> Parameters => _parameters;

    /// <summary>Fresh parameter objects (a MySqlParameter belongs to one command).</summary>
    public MySqlParameter[] CloneParameters() => _parameters.Select(p => new MySqlParameter(p.ParameterName, p.Value)).ToArray();

    public static SegmentSql Build(SegmentNode node, ProgrammeClock clock, LifecycleThresholds lifecycle)
    {
        var sql = new SegmentSql(clock, lifecycle);
        sql.Where = $"m.deleted_at IS NULL AND {sql.Compile(node)}";
        sql.From = sql.BuildFrom();
        return sql;
    }

    private string BuildFrom()
    {
        var from = new StringBuilder("members m");
        if (_payments.Count > 0)
            from.Append($" LEFT JOIN (SELECT p.member_id, {Columns(_payments)} FROM payments p WHERE p.member_id IS NOT NULL GROUP BY p.member_id) pf ON pf.member_id = m.id");
        if (_lots.Count > 0)
            from.Append($" LEFT JOIN (SELECT l.member_id, {Columns(_lots)} FROM point_lots l WHERE l.expired_at IS NULL AND l.is_pending = 0 AND l.remaining > 0 GROUP BY l.member_id) lf ON lf.member_id = m.id");
        if (_follows)
            from.Append(" LEFT JOIN (SELECT i.member_id FROM member_identities i WHERE i.follows = 1 AND i.member_id IS NOT NULL GROUP BY i.member_id) fo ON fo.member_id = m.id");
        if (_referrals)
            from.Append(" LEFT JOIN (SELECT r.referrer_id, COUNT(*) AS n FROM members r WHERE r.referrer_id IS NOT NULL AND r.deleted_at IS NULL GROUP BY r.referrer_id) rf ON rf.referrer_id = m.id");
        return from.ToString();
    }

    private static string Columns(List<string> aggregates) => string.Join(", ", aggregates.Select((a, i) => $"{a} AS a{i}"));

    private string Compile(SegmentNode node) => node switch
    {
        SegmentGroup g => "(" + string.Join(g.Operator == GroupOperator.And ? " AND " : " OR ", g.Rules.Select(Compile)) + ")",
        TierCriterion c => $"m.tier_code IN ({List(c.In)})",
        StoreCriterion c => $"m.store_id IN ({List(c.In)})",
        JoinedCriterion c => And(
            c.From is { } from ? $"m.joined_at >= {P(_clock.StartOfDayUtc(from))}" : null,
            c.To is { } to ? $"m.joined_at < {P(_clock.StartOfDayUtc(to.AddDays(1)))}" : null),
        LastPurchaseCriterion c => And(
            c.WithinDays is { } w ? $"{LastPurchase()} >= {P(DaysAgo(w - 1))}" : null,
            c.NotWithinDays is { } n ? $"({LastPurchase()} IS NULL OR {LastPurchase()} < {P(DaysAgo(n - 1))})" : null),
        NetSpendCriterion c => Between(
            $"COALESCE({Payment($"SUM(CASE WHEN p.paid_at >= {P(DaysAgo(c.Days - 1))} THEN p.payer_total_fen - p.refunded_fen ELSE 0 END)")}, 0)",
            c.MinFen, c.MaxFen),
        OrderCountCriterion c => Between(
            $"COALESCE({Payment($"SUM(p.paid_at >= {P(DaysAgo(c.Days - 1))} AND p.payer_total_fen > p.refunded_fen)")}, 0)",
            c.Min, c.Max),
        PointsBalanceCriterion c => Between("m.points_balance", c.Min, c.Max),
        PointsExpiringCriterion c =>
            $"COALESCE({Lot($"SUM(CASE WHEN l.expires_at < {P(_clock.StartOfDayUtc(c.Before))} AND l.expires_at >= {P(_clock.UtcNow.UtcDateTime)} THEN l.remaining ELSE 0 END)")}, 0) >= {P(c.Min)}",
        BirthdayMonthCriterion c => $"m.birth_month IN ({List(c.In)})",
        LifecycleCriterion c => $"{StageExpression()} IN ({List(c.In.Select(s => s.ToString()))})",
        FollowsOaCriterion c => Follows() + (c.Value ? " IS NOT NULL" : " IS NULL"),
        ReferralsCriterion c => Between(Referrals(), c.Min, c.Max),
        _ => throw new ArgumentOutOfRangeException(nameof(node), node.GetType().Name, "Unknown segment node."),
    };

    private string LastPurchase() => Payment(LastPurchaseAggregate);

    /// <summary>A column of the payments derived table; one column per distinct aggregate.</summary>
    private string Payment(string aggregate)
    {
        var index = _payments.IndexOf(aggregate);
        if (index < 0)
        {
            _payments.Add(aggregate);
            index = _payments.Count - 1;
        }
        return $"pf.a{index}";
    }

    private string Lot(string aggregate)
    {
        _lots.Add(aggregate);
        return $"lf.a{_lots.Count - 1}";
    }

    private string Follows()
    {
        _follows = true;
        return "fo.member_id";
    }

    private string Referrals()
    {
        _referrals = true;
        return "COALESCE(rf.n, 0)";
    }

    /// <summary>
    /// The stage in one pass (see <see cref="Lifecycle.StageOf"/>, its C# twin): new while joined within NewDays; then by
    /// the last purchase: active, dormant, lost; a member who never bought counts from joining and is never active.
    /// </summary>
    private string StageExpression()
    {
        var newCut = P(DaysAgo(_lifecycle.NewDays - 1));
        var activeCut = P(DaysAgo(_lifecycle.ActiveDays - 1));
        var lostCut = P(DaysAgo(_lifecycle.LostDays - 1));
        var last = LastPurchase();
        return $"(CASE WHEN m.joined_at >= {newCut} THEN 'New' " +
               $"WHEN {last} >= {activeCut} THEN 'Active' " +
               $"WHEN COALESCE({last}, m.joined_at) >= {lostCut} THEN 'Dormant' ELSE 'Lost' END)";
    }

    private DateTime DaysAgo(int days) => Lifecycle.DaysAgoUtc(_clock, days);

    private static string And(params string?[] parts) => "(" + string.Join(" AND ", parts.Where(p => p is not null)) + ")";

    private string Between(string expression, long? min, long? max) => And(
        min is { } lo ? $"{expression} >= {P(lo)}" : null,
        max is { } hi ? $"{expression} <= {P(hi)}" : null);

    private string List<T>(IEnumerable<T> values) => string.Join(", ", values.Select(v => P(v!)));

    private string P(object value)
    {
        var name = $"@s{_parameters.Count}";
        _parameters.Add(new MySqlParameter(name, value));
        return name;
    }
}
