using System.Text;
using MySqlConnector;
using WechatLoyalty.Domain.Common;

namespace WechatLoyalty.Domain.Campaigns.Segments;

/// <summary>
/// A segment as a SQL condition over <c>members m</c>, with its parameters: the audience is counted and frozen by
/// MariaDB (one statement), never by loading members. Per-member facts are correlated subqueries on indexed columns
/// (payments by member_id and paid_at, lots by member_id and expires_at, identities and referrals by member_id).
/// Day-based windows are programme days: "within 30 days" is the last 30 days including today (from the start of
/// the day 29 days ago), as the rolling-year net spend of the tiers is the last 365.
/// </summary>
public sealed class SegmentSql
{
    /// <summary>The last paid purchase that was not fully refunded.</summary>
    internal const string LastPurchase =
        "(SELECT MAX(p.paid_at) FROM payments p WHERE p.member_id = m.id AND p.payer_total_fen > p.refunded_fen)";

    private readonly List<MySqlParameter> _parameters = [];
    private readonly ProgrammeClock _clock;
    private readonly LifecycleThresholds _lifecycle;

    private SegmentSql(ProgrammeClock clock, LifecycleThresholds lifecycle)
    {
        _clock = clock;
        _lifecycle = lifecycle;
    }

    /// <summary>The condition (always excluding deleted members), to follow <c>WHERE</c> in a query over <c>members m</c>.</summary>
    public string Where { get; private set; } = "";

    public IReadOnlyList<MySqlParameter> Parameters => _parameters;

    /// <summary>Fresh parameter objects (a MySqlParameter belongs to one command).</summary>
    public MySqlParameter[] CloneParameters() => _parameters.Select(p => new MySqlParameter(p.ParameterName, p.Value)).ToArray();

    public static SegmentSql Build(SegmentNode node, ProgrammeClock clock, LifecycleThresholds lifecycle)
    {
        var sql = new SegmentSql(clock, lifecycle);
        sql.Where = $"m.deleted_at IS NULL AND {sql.Compile(node)}";
        return sql;
    }

    private string Compile(SegmentNode node) => node switch
    {
        SegmentGroup g => "(" + string.Join(g.Operator == GroupOperator.And ? " AND " : " OR ", g.Rules.Select(Compile)) + ")",
        TierCriterion c => $"m.tier_code IN ({List(c.In)})",
        StoreCriterion c => $"m.store_id IN ({List(c.In)})",
        JoinedCriterion c => And(
            c.From is { } from ? $"m.joined_at >= {P(_clock.StartOfDayUtc(from))}" : null,
            c.To is { } to ? $"m.joined_at < {P(_clock.StartOfDayUtc(to.AddDays(1)))}" : null),
        LastPurchaseCriterion c => And(
            c.WithinDays is { } w ? $"EXISTS (SELECT 1 FROM payments p WHERE p.member_id = m.id AND p.paid_at >= {P(DaysAgo(w - 1))} AND p.payer_total_fen > p.refunded_fen)" : null,
            c.NotWithinDays is { } n ? $"NOT EXISTS (SELECT 1 FROM payments p WHERE p.member_id = m.id AND p.paid_at >= {P(DaysAgo(n - 1))} AND p.payer_total_fen > p.refunded_fen)" : null),
        NetSpendCriterion c => Between(
            $"(SELECT COALESCE(SUM(p.payer_total_fen - p.refunded_fen), 0) FROM payments p WHERE p.member_id = m.id AND p.paid_at >= {P(DaysAgo(c.Days - 1))})",
            c.MinFen, c.MaxFen),
        OrderCountCriterion c => Between(
            $"(SELECT COUNT(*) FROM payments p WHERE p.member_id = m.id AND p.paid_at >= {P(DaysAgo(c.Days - 1))} AND p.payer_total_fen > p.refunded_fen)",
            c.Min, c.Max),
        PointsBalanceCriterion c => Between("m.points_balance", c.Min, c.Max),
        PointsExpiringCriterion c =>
            $"(SELECT COALESCE(SUM(l.remaining), 0) FROM point_lots l WHERE l.member_id = m.id AND l.expires_at < {P(_clock.StartOfDayUtc(c.Before))} " +
            $"AND l.expires_at >= {P(_clock.UtcNow.UtcDateTime)} AND l.expired_at IS NULL AND l.is_pending = 0 AND l.remaining > 0) >= {P(c.Min)}",
        BirthdayMonthCriterion c => $"m.birth_month IN ({List(c.In)})",
        LifecycleCriterion c => $"{StageExpression()} IN ({List(c.In.Select(s => s.ToString()))})",
        FollowsOaCriterion c => (c.Value ? "" : "NOT ") + "EXISTS (SELECT 1 FROM member_identities i WHERE i.member_id = m.id AND i.follows = 1)",
        ReferralsCriterion c => Between("(SELECT COUNT(*) FROM members r WHERE r.referrer_id = m.id AND r.deleted_at IS NULL)", c.Min, c.Max),
        _ => throw new ArgumentOutOfRangeException(nameof(node), node.GetType().Name, "Unknown segment node."),
    };

    /// <summary>
    /// The stage in one pass (see <see cref="Lifecycle.StageOf"/>, its C# twin): new while joined within NewDays; then by
    /// the last purchase: active, dormant, lost; a member who never bought counts from joining and is never active.
    /// </summary>
    private string StageExpression()
    {
        var newCut = P(DaysAgo(_lifecycle.NewDays - 1));
        var activeCut = P(DaysAgo(_lifecycle.ActiveDays - 1));
        var lostCut = P(DaysAgo(_lifecycle.LostDays - 1));
        return $"(CASE WHEN m.joined_at >= {newCut} THEN 'New' " +
               $"WHEN {LastPurchase} >= {activeCut} THEN 'Active' " +
               $"WHEN COALESCE({LastPurchase}, m.joined_at) >= {lostCut} THEN 'Dormant' ELSE 'Lost' END)";
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
