using System.Globalization;
using WechatLoyalty.TiersAndExpiry;

/// <summary>
/// KPI bench data, set-based in MariaDB over the Sequence engine (as bench/TiersAndExpiry does): N members joining
/// evenly over 800 days at 50 stores (1 in 6 joined online, no store) through the four entry paths, 0.5% deleted;
/// 10·N payments evenly over the last 730 days, one in five by a payer who is not a member, 3% fully refunded;
/// one ledger entry per member payment (80% earn, 10% redeem, 10% expire).
/// </summary>
internal static class Generator
{
    private const string Permutation = "999983";
    private const int Chunk = 1_000_000;

    private static string Store(string m) => $"(CASE WHEN {m} % 60 < 50 THEN {m} % 60 + 1 END)";

    public static async Task GenerateAsync(Sql sql, long members, DateTime now)
    {
        long payments = members * 10;
        var p = new (string, object?)[] { ("@now", now), ("@members", members), ("@payments", payments) };
        Console.WriteLine($"Generating {members:N0} members, {payments:N0} payments");
        await sql.ExecAsync("SET foreign_key_checks = 0");
        foreach (var table in new[] { "point_entries", "point_lots", "payments", "members", "staff", "stores" })
            await sql.ExecAsync($"TRUNCATE TABLE {table}");
        await sql.ExecAsync("SET foreign_key_checks = 1");
        await sql.ExecAsync("""
            INSERT INTO stores (id, code, name, city, is_active, created_at)
            SELECT seq, CONCAT('S', LPAD(seq, 3, '0')), CONCAT('门店 ', seq), '上海', 1, @now - INTERVAL 900 DAY FROM seq_1_to_50
            """, p);
        await BulkLoad.WithoutSecondaryIndexesAsync(sql, "members", () => Sql.StepAsync("members", () => sql.ExecAsync($"""
            INSERT INTO members (id, member_no, referral_code, gender, tier_code, tier_reached_at, points_balance, pending_points,
                                 join_source, store_id, terms_version, terms_accepted_at, joined_at, deleted_at)
            SELECT seq, CONCAT('M', LPAD(seq, 12, '0')), CONCAT('R', LPAD(seq, 10, '0')), 'Unknown', 'ordinary', j, 0, 0,
                   ELT(1 + seq % 4, 'StoreQr', 'OfficialAccountQr', 'Referral', 'Organic'), {Store("seq")}, 'bench', j, j,
                   CASE WHEN seq % 200 = 0 THEN j + INTERVAL 100 DAY END
            FROM (SELECT CAST(seq AS SIGNED) AS seq, @now - INTERVAL 800 DAY + INTERVAL (CAST(seq AS SIGNED) * 69120000 DIV @members) SECOND AS j
                  FROM seq_1_to_{members}) s
            """, p)));
        await BulkLoad.WithoutSecondaryIndexesAsync(sql, "payments", () => ChunksAsync("payments", payments, (from, to) => sql.ExecAsync($"""
            INSERT INTO payments (id, transaction_id, out_trade_no, member_id, payer_open_id, store_id, channel, total_fen,
                                  payer_total_fen, refunded_fen, points_earned, paid_at, created_at)
            SELECT n, CONCAT('4200', LPAD(n, 24, '0')), CONCAT('WL', LPAD(n, 20, '0')), CASE WHEN n % 5 = 0 THEN NULL ELSE m END,
                   CONCAT('oBench', LPAD(m, 22, '0')), CASE WHEN n % 5 = 0 THEN n % 50 + 1 ELSE {Store("m")} END, 'InStore',
                   fen, fen, CASE WHEN (n * 7919) % 100 < 3 THEN fen ELSE 0 END, fen DIV 100, at, at
            FROM (SELECT n, ((n - 1) % @members) * {Permutation} % @members + 1 AS m, 5000 + (n * 7919) % 50000 AS fen,
                         @now - INTERVAL 730 DAY + INTERVAL ((n - 1) * 63072000 DIV @payments) SECOND AS at
                  FROM (SELECT CAST(seq AS SIGNED) AS n FROM seq_{from}_to_{to}) q) x
            """, p)));
        await BulkLoad.WithoutSecondaryIndexesAsync(sql, "point_entries", () => ChunksAsync("point_entries", payments, (from, to) => sql.ExecAsync($"""
            INSERT INTO point_entries (id, member_id, kind, delta, pending_delta, balance_after, payment_id, idempotency_key, created_at)
            SELECT id, member_id, ELT(1 + id % 10, 'Earn', 'Earn', 'Earn', 'Earn', 'Earn', 'Earn', 'Earn', 'Earn', 'Redeem', 'Expire'),
                   CASE id % 10 WHEN 8 THEN -500 WHEN 9 THEN -50 ELSE points_earned END, 0, 0, id, CONCAT('bench:', id), paid_at
            FROM payments WHERE id BETWEEN {from} AND {to} AND member_id IS NOT NULL
            """)));
        await sql.ExecAsync("""
            UPDATE members m JOIN (SELECT member_id, SUM(delta) AS s FROM point_entries GROUP BY member_id) e ON e.member_id = m.id
            SET m.points_balance = e.s
            """);
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
