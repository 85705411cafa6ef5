using System.Globalization;
using WechatLoyalty.Domain.Programme;

namespace WechatLoyalty.TiersAndExpiry;

/// <summary>
/// Generates the bench data set-based in MariaDB: INSERT ... SELECT over the Sequence engine's seq_1_to_N
/// (a numbers table that costs nothing), with values computed from the row number, so nothing crosses the
/// network and the same scale always gives the same rows.
/// <para>
/// Shape. Payments arrive in time order over the last 730 days, in rounds: round k holds every member's k-th
/// payment, members shuffled by a fixed permutation, so a member's ten payments are scattered through the table as
/// in real life. Each payment earns one lot (points = whole CNY, accessory preset, expiry = end of the Shanghai day
/// 24 months later) with its Earn entry; a member's balance is the sum of its entries. Spend classes put about
/// 60% of members at ordinary, 20% silver, 12% gold, 8% diamond; 3% of payments are fully and 3% half refunded
/// (refunds lower spend; their point reversals are not modelled). 0.5% of members are deleted.
/// </para>
/// </summary>
internal static class DataGenerator
{
    private const int Chunk = 1_000_000;
    private const string Permutation = "999983"; // a prime: (pos * p) mod members is a bijection for these scales

    // Per member m: base CNY per payment b, change per round s (-5..5), cents c. Points of the k-th payment = b + k*s.
    private static string Base(string m) => $"""
        (CASE WHEN ({m} * 2654435761) % 1000 < 600 THEN 60 + ({m} * 40503) % 440
              WHEN ({m} * 2654435761) % 1000 < 800 THEN 600 + ({m} * 40503) % 400
              WHEN ({m} * 2654435761) % 1000 < 920 THEN 1000 + ({m} * 40503) % 1000
              ELSE 2000 + ({m} * 40503) % 2000 END)
        """;

    private static string Step(string m) => $"(({m} * 7) % 11 - 5)";

    private static string Cents(string m) => $"(({m} * 37) % 100)";

    public static async Task GenerateAsync(Sql sql, BenchOptions options, DateTime now)
    {
        long members = options.Members, payments = options.Payments;
        var rounds = BenchOptions.PaymentsPerMember;
        var p = new (string, object?)[] { ("@now", now), ("@members", members), ("@payments", payments) };
        Console.WriteLine($"Generating {members:N0} members, {payments:N0} payments, {payments:N0} lots and entries");

        await BulkLoad.WithoutSecondaryIndexesAsync(sql, "members", () => Sql.StepAsync("members", () => sql.ExecAsync($"""
            INSERT INTO members (id, member_no, referral_code, gender, tier_code, tier_reached_at, points_balance, pending_points,
                                 join_source, terms_version, terms_accepted_at, joined_at, deleted_at)
            SELECT seq, CONCAT('M', LPAD(seq, 12, '0')), CONCAT('R', LPAD(seq, 10, '0')), 'Unknown', 'ordinary',
                   @now - INTERVAL 800 DAY, {rounds} * {Base("seq")} + {Step("seq")} * {rounds * (rounds - 1) / 2}, 0,
                   'Organic', 'bench', @now - INTERVAL 800 DAY, @now - INTERVAL 800 DAY,
                   CASE WHEN seq % 200 = 0 THEN @now - INTERVAL 10 DAY END
            FROM (SELECT CAST(seq AS SIGNED) AS seq FROM seq_1_to_{members}) s
            """, p)));

        await BulkLoad.WithoutSecondaryIndexesAsync(sql, "payments", () => ChunksAsync("payments", payments, (from, to) => sql.ExecAsync($"""
            INSERT INTO payments (id, transaction_id, out_trade_no, member_id, payer_open_id, channel, total_fen,
                                  payer_total_fen, refunded_fen, points_earned, paid_at, created_at)
            SELECT n, CONCAT('4200', LPAD(n, 24, '0')), CONCAT('WL', LPAD(n, 20, '0')), m, CONCAT('oBench', LPAD(m, 22, '0')),
                   'MiniProgram', fen + CASE WHEN n % 5 = 0 THEN 1000 ELSE 0 END, fen,
                   CASE WHEN (n * 7919) % 100 < 3 THEN fen WHEN (n * 7919) % 100 < 6 THEN fen DIV 2 ELSE 0 END,
                   fen DIV 100, at, at
            FROM (
                SELECT n, m, ({Base("m")} + k * {Step("m")}) * 100 + {Cents("m")} AS fen,
                       @now - INTERVAL 730 DAY + INTERVAL ((n - 1) * 63072000 DIV @payments) SECOND AS at
                FROM (SELECT n, (n - 1) DIV @members AS k, ((n - 1) % @members) * {Permutation} % @members + 1 AS m
                      FROM (SELECT CAST(seq AS SIGNED) AS n FROM seq_{from}_to_{to}) q) s
            ) x
            """, p)));

        // Expiry: the end of the Shanghai day (UTC+8, no DST) 24 months after the payment, as PointsRules.ExpiresAtUtc.
        await BulkLoad.WithoutSecondaryIndexesAsync(sql, "point_lots", () => ChunksAsync("point_lots", payments, (from, to) => sql.ExecAsync($"""
            INSERT INTO point_lots (id, member_id, source, amount, remaining, earned_at, expires_at, is_pending, payment_id)
            SELECT id, member_id, 'Purchase', points_earned, points_earned, paid_at,
                   TIMESTAMP(DATE(paid_at + INTERVAL 8 HOUR) + INTERVAL 24 MONTH + INTERVAL 1 DAY) - INTERVAL 8 HOUR - INTERVAL 1 MICROSECOND,
                   0, id
            FROM payments WHERE id BETWEEN {from} AND {to}
            """)));

        // balance_after of a member's k-th entry: the sum of b + j*s over j = 0..k, in closed form.
        await BulkLoad.WithoutSecondaryIndexesAsync(sql, "point_entries", () => ChunksAsync("point_entries", payments, (from, to) => sql.ExecAsync($"""
            INSERT INTO point_entries (id, member_id, kind, delta, pending_delta, balance_after, lot_id, payment_id, idempotency_key, created_at)
            SELECT id, member_id, 'Earn', points_earned, 0, (k + 1) * {Base("member_id")} + {Step("member_id")} * k * (k + 1) DIV 2,
                   id, id, CONCAT('earn:tx:', transaction_id), paid_at
            FROM (SELECT p.*, (id - 1) DIV @members AS k FROM payments p WHERE id BETWEEN {from} AND {to}) x
            """, p)));

        await SetTiersAsync(sql, now);
        Console.WriteLine("  bench_lots_raw: a copy of point_lots for the raw UPDATE");
        await CopyLotsAsync(sql);
    }

    /// <summary>
    /// Starting tiers: the tier each member's spend qualifies for, then 10% one tier below (missed upgrades) and
    /// 10% one above (half reached 400 days ago: downgraded; half 100 days ago: kept by the guarantee).
    /// Saved in bench_member_tiers so every repeat starts from the same state.
    /// </summary>
    private static async Task SetTiersAsync(Sql sql, DateTime now)
    {
        var tiers = ProgrammePresets.Accessory.Ladder.Tiers;
        var rank = "CASE " + string.Join(" ", tiers.Reverse().Select((t, i) =>
            $"WHEN COALESCE(s.spend, 0) >= {t.ThresholdFen} THEN {tiers.Count - 1 - i}")) + " END";
        var names = string.Join(", ", tiers.Select(t => $"'{t.Code}'"));
        var from = TierBenchmark.WindowStart(now);
        await Sql.StepAsync("members: starting tiers from spend, 20% perturbed", () => sql.ExecAsync($"""
            UPDATE members m
            LEFT JOIN (SELECT member_id, SUM(payer_total_fen - refunded_fen) AS spend FROM payments
                       WHERE paid_at >= @from GROUP BY member_id) s ON s.member_id = m.id
            SET m.tier_code = ELT(1 + CASE WHEN (m.id * 17) % 100 < 10 THEN GREATEST({rank} - 1, 0)
                                           WHEN (m.id * 17) % 100 < 20 THEN LEAST({rank} + 1, {tiers.Count - 1})
                                           ELSE {rank} END, {names}),
                m.tier_reached_at = CASE WHEN (m.id * 17) % 100 BETWEEN 15 AND 19 THEN @now - INTERVAL 100 DAY
                                         ELSE @now - INTERVAL 400 DAY END
            """, ("@from", from), ("@now", now)));
        await sql.ExecAsync("DROP TABLE IF EXISTS bench_member_tiers");
        await sql.ExecAsync("""
            CREATE TABLE bench_member_tiers (member_id BIGINT NOT NULL PRIMARY KEY, tier_code VARCHAR(32) NOT NULL,
                tier_reached_at DATETIME(6) NOT NULL, points_balance BIGINT NOT NULL)
            DEFAULT CHARSET = utf8mb4 COLLATE = utf8mb4_unicode_ci
            SELECT id AS member_id, tier_code, tier_reached_at, points_balance FROM members
            """);
    }

    private static async Task CopyLotsAsync(Sql sql)
    {
        await sql.ExecAsync("DROP TABLE IF EXISTS bench_lots_raw");
        await sql.ExecAsync("CREATE TABLE bench_lots_raw LIKE point_lots");
        await BulkLoad.WithoutSecondaryIndexesAsync(sql, "bench_lots_raw",
            () => Sql.StepAsync("bench_lots_raw", () => sql.ExecAsync("INSERT INTO bench_lots_raw SELECT * FROM point_lots ORDER BY id")));
    }

    private static async Task ChunksAsync(string table, long rows, Func<long, long, Task> chunk)
    {
        for (long from = 1; from <= rows; from += Chunk)
        {
            var to = Math.Min(from + Chunk - 1, rows);
            await Sql.StepAsync(string.Create(CultureInfo.InvariantCulture, $"{table} {from:N0}..{to:N0}"), () => chunk(from, to));
        }
    }
}
