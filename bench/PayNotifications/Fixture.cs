using System.Diagnostics;
using System.Globalization;

namespace WechatLoyalty.PayNotifications;

/// <summary>
/// The data the notifications are about, written set-based inside MariaDB (INSERT ... SELECT over the Sequence
/// engine's seq_1_to_N): members in the entry tier with one mini-program identity each, and Prepaid orders spread
/// round-robin over them, amounts 10.00–1,000.00 CNY (so some members cross a tier threshold during the run and the
/// upgrade path runs too). Everything carries a run tag, so the bench can also seed into a database others use.
/// </summary>
internal sealed class Fixture(BenchOptions options, string tag, long runUnix)
{
    public string Tag => tag;

    /// <summary>LIKE pattern of this run's out_trade_no (and member_no) values.</summary>
    public string Pattern => "BP" + tag + "%";

    public async Task<(IReadOnlyList<BenchOrder> Orders, TimeSpan Elapsed)> SeedAsync(Sql sql)
    {
        var watch = Stopwatch.StartNew();
        var now = DateTime.UtcNow;
        var total = options.Orders + options.Warmup;
        var p = new (string, object?)[] { ("@tag", tag), ("@app", options.AppId), ("@now", now), ("@created", now.AddMinutes(-1)), ("@expire", now.AddHours(2)) };
        await sql.ExecAsync($"""
            INSERT INTO members (member_no, referral_code, gender, tier_code, tier_reached_at, points_balance, pending_points,
                                 join_source, terms_version, terms_accepted_at, joined_at)
            SELECT CONCAT('BP', @tag, LPAD(seq, 7, '0')), CONCAT('P', @tag, LPAD(seq, 7, '0')), 'Unknown', 'ordinary', @now, 0, 0,
                   'Organic', 'bench', @now, @now
            FROM seq_1_to_{options.Members}
            """, p);
        await sql.ExecAsync("""
            INSERT INTO member_identities (member_id, app_id, open_id, created_at)
            SELECT id, @app, CONCAT('obench', @tag, '_', SUBSTRING(member_no, 9)), @now
            FROM members WHERE member_no LIKE CONCAT('BP', @tag, '%')
            """, p);
        await sql.ExecAsync($"""
            INSERT INTO orders (out_trade_no, member_id, identity_id, store_id, description, amount_fen, redeemed_points,
                                redeem_offset_fen, charge_fen, status, prepay_id, time_expire, created_at)
            SELECT CONCAT('BP', @tag, LPAD(s.seq, 8, '0')), i.member_id, i.id, NULL, 'Bench order',
                   1000 + (s.seq * 7919) % 99001, 0, 0, 1000 + (s.seq * 7919) % 99001, 'Prepaid', CONCAT('wx_bench_', @tag, '_', s.seq),
                   @expire, @created
            FROM seq_1_to_{total} s
            JOIN member_identities i ON i.app_id = @app
             AND i.open_id = CONCAT('obench', @tag, '_', LPAD((s.seq - 1) % {options.Members} + 1, 7, '0'))
            """, p);
        var orders = await sql.QueryAsync("""
            SELECT o.out_trade_no, i.open_id, o.charge_fen
            FROM orders o JOIN member_identities i ON i.id = o.identity_id
            WHERE o.out_trade_no LIKE CONCAT('BP', @tag, '%') ORDER BY o.out_trade_no
            """, r => new BenchOrder(r.GetString(0), r.GetString(1), r.GetInt64(2),
                "4200000" + runUnix.ToString(CultureInfo.InvariantCulture) + r.GetString(0)[^8..]), p);
        if (orders.Count != total) throw new InvalidOperationException($"Seeded {orders.Count} orders, expected {total}.");
        return (orders, watch.Elapsed);
    }

    /// <summary>Exactly-once, checked with SQL over this run's rows only.</summary>
    public async Task<Verification> VerifyAsync(Sql sql)
    {
        var p = new (string, object?)[] { ("@pattern", Pattern) };
        async Task<long> Count(string query) => await sql.ScalarAsync<long>(query, p);
        return new Verification(
            Orders: await Count("SELECT COUNT(*) FROM orders WHERE out_trade_no LIKE @pattern"),
            OrdersPaid: await Count("SELECT COUNT(*) FROM orders WHERE out_trade_no LIKE @pattern AND status = 'Paid' AND transaction_id IS NOT NULL"),
            Payments: await Count("SELECT COUNT(*) FROM payments WHERE out_trade_no LIKE @pattern"),
            DistinctTransactions: await Count("SELECT COUNT(DISTINCT transaction_id) FROM payments WHERE out_trade_no LIKE @pattern"),
            PaymentsWithPoints: await Count("SELECT COUNT(*) FROM payments WHERE out_trade_no LIKE @pattern AND points_earned > 0"),
            EarnEntries: await Count("""
                SELECT COUNT(*) FROM payments p JOIN point_entries e ON e.idempotency_key = CONCAT('earn:tx:', p.transaction_id)
                WHERE p.out_trade_no LIKE @pattern AND e.kind = 'Earn' AND e.payment_id = p.id
                """),
            PurchaseLots: await Count("""
                SELECT COUNT(*) FROM payments p JOIN point_lots l ON l.payment_id = p.id
                WHERE p.out_trade_no LIKE @pattern AND l.source = 'Purchase'
                """),
            LotsMatchingPayment: await Count("""
                SELECT COUNT(*) FROM payments p JOIN point_lots l ON l.payment_id = p.id AND l.source = 'Purchase'
                WHERE p.out_trade_no LIKE @pattern AND l.amount = p.points_earned
                """),
            TierChanges: await Count("""
                SELECT COUNT(*) FROM tier_changes t JOIN members m ON m.id = t.member_id WHERE m.member_no LIKE @pattern
                """),
            BalanceMismatches: await Count("""
                SELECT COUNT(*) FROM members m
                LEFT JOIN (SELECT member_id, SUM(delta) AS d, SUM(pending_delta) AS pd FROM point_entries
                           WHERE member_id IN (SELECT id FROM members WHERE member_no LIKE @pattern) GROUP BY member_id) e ON e.member_id = m.id
                WHERE m.member_no LIKE @pattern
                  AND (m.points_balance <> COALESCE(e.d, 0) OR m.pending_points <> COALESCE(e.pd, 0))
                """));
    }
}

internal sealed record Verification(long Orders, long OrdersPaid, long Payments, long DistinctTransactions, long PaymentsWithPoints,
    long EarnEntries, long PurchaseLots, long LotsMatchingPayment, long TierChanges, long BalanceMismatches)
{
    public bool ExactlyOnce => Payments == Orders && DistinctTransactions == Orders && OrdersPaid == Orders && EarnEntries == Orders
        && PurchaseLots == Orders && LotsMatchingPayment == Orders && PaymentsWithPoints == Orders && BalanceMismatches == 0;

    public IEnumerable<string> Lines()
    {
        yield return $"orders of this run: {Orders:N0}; Paid: {OrdersPaid:N0}";
        yield return $"payments: {Payments:N0} (distinct transaction_id {DistinctTransactions:N0}; with points {PaymentsWithPoints:N0})";
        yield return $"ledger Earn entries (key earn:tx:<transaction_id>): {EarnEntries:N0}; Purchase lots: {PurchaseLots:N0} " +
            $"(amount = payment's points_earned: {LotsMatchingPayment:N0})";
        yield return $"tier upgrades during the run: {TierChanges:N0}; members whose balance ≠ sum of their ledger: {BalanceMismatches:N0}";
        yield return $"exactly once: {(ExactlyOnce ? "yes" : "NO")}";
    }
}
