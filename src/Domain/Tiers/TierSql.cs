using System.Globalization;
using System.Text;
using WechatLoyalty.Domain.Programme;

namespace WechatLoyalty.Domain.Tiers;

/// <summary>
/// The SQL of the recalculation, generated from the ladder: the qualifying tier and the rank of a tier code are
/// CASE expressions over the (validated, ascending) thresholds, so MariaDB does the whole decision in one pass.
/// </summary>
internal sealed class TierSql
{
    /// <summary>Per connection; survives across windows of one run and disappears with the connection.</summary>
    public const string CreateScratch = """
        CREATE TEMPORARY TABLE IF NOT EXISTS tier_recalc (
            member_id BIGINT NOT NULL PRIMARY KEY,
            from_tier VARCHAR(32) NOT NULL,
            to_tier VARCHAR(32) NOT NULL,
            spend BIGINT NOT NULL,
            is_upgrade TINYINT NOT NULL,
            changes TINYINT NOT NULL)
        """;

    public const string RecordChanges = """
        INSERT INTO tier_changes (member_id, from_tier, to_tier, reason, net_spend_fen, changed_at)
        SELECT member_id, from_tier, to_tier, 'NightlyRecalculation', spend, @now FROM tier_recalc WHERE changes = 1
        """;

    /// <summary>Each change's member message, keyed by the change (see <see cref="TierUpgrades.MessageKey"/>).</summary>
    public const string QueueMessages = """
        INSERT INTO message_outbox (member_id, kind, payload_json, idempotency_key, created_at)
        SELECT tc.member_id, 'TierChanged', JSON_OBJECT('from', tc.from_tier, 'to', tc.to_tier, 'reason', tc.reason),
               CONCAT('tier-change:', tc.id), @now
        FROM tier_changes tc JOIN tier_recalc c ON c.member_id = tc.member_id AND c.changes = 1
        WHERE tc.changed_at = @now AND tc.reason = 'NightlyRecalculation'
        """;

    public const string Upgrades = "SELECT member_id, from_tier, to_tier FROM tier_recalc WHERE changes = 1 AND is_upgrade = 1";

    /// <summary>Reaching a tier (up or down) starts its guaranteed period again.</summary>
    public const string ApplyChanges = """
        UPDATE members m JOIN tier_recalc c ON c.member_id = m.id AND c.changes = 1
        SET m.tier_code = c.to_tier, m.tier_reached_at = @now
        """;

    private TierSql(string fill) => Fill = fill;

    /// <summary>Aggregates one id window's spend and decides: up when the spend qualifies higher; down, to the
    /// qualifying tier, only once the guaranteed period since the current tier was reached has passed. That is
    /// reached + N months &lt;= now, not reached &lt;= now - N months: the two differ at month ends (a tier reached
    /// on Feb 29 is guaranteed until Feb 28 of the next year, which "now minus 12 months" would stretch to Mar 1).</summary>
    public string Fill { get; }

    public static TierSql Build(TierLadder ladder)
    {
        var qualifying = new StringBuilder("CASE");
        foreach (var tier in ladder.Tiers.Reverse())
            qualifying.Append(CultureInfo.InvariantCulture, $" WHEN x.spend >= {tier.ThresholdFen} THEN '{Code(tier.Code)}'");
        qualifying.Append(CultureInfo.InvariantCulture, $" ELSE '{Code(ladder.Entry.Code)}' END");

        var fill = $"""
            INSERT INTO tier_recalc (member_id, from_tier, to_tier, spend, is_upgrade, changes)
            SELECT y.id, y.tier_code, y.q, y.spend, y.q_rank > y.cur_rank,
                   (y.q_rank > y.cur_rank) OR (y.q_rank < y.cur_rank AND DATE_ADD(y.tier_reached_at, INTERVAL @guaranteeMonths MONTH) <= @now)
            FROM (
                SELECT x.id, x.tier_code, x.tier_reached_at, x.spend, {qualifying} AS q,
                       {Rank("x.tier_code", ladder)} AS cur_rank, {Rank(qualifying.ToString(), ladder)} AS q_rank
                FROM (
                    SELECT m.id, m.tier_code, m.tier_reached_at,
                           COALESCE(SUM(p.payer_total_fen - p.refunded_fen), 0) AS spend
                    FROM members m
                    LEFT JOIN payments p ON p.member_id = m.id AND p.paid_at >= @from
                    WHERE m.id > @after AND m.id <= @upTo AND m.deleted_at IS NULL
                    GROUP BY m.id, m.tier_code, m.tier_reached_at
                ) x
            ) y
            """;
        return new TierSql(fill);
    }

    /// <summary>A tier's place on the ladder; a code the ladder no longer has ranks below all, so it is recalculated.</summary>
    private static string Rank(string expression, TierLadder ladder)
    {
        var rank = new StringBuilder($"CASE {expression}");
        for (var i = 0; i < ladder.Tiers.Count; i++)
            rank.Append(CultureInfo.InvariantCulture, $" WHEN '{Code(ladder.Tiers[i].Code)}' THEN {i}");
        return rank.Append(" ELSE -1 END").ToString();
    }

    /// <summary>Tier codes are validated identifiers; refuse anything that could break out of a SQL literal.</summary>
    private static string Code(string code) =>
        code.All(c => char.IsAsciiLetterOrDigit(c) || c is '_' or '-') ? code : throw new ArgumentException($"Unsafe tier code '{code}'.");
}
