namespace WechatLoyalty.Domain.Kpis.Rollup;

/// <summary>
/// <see cref="Purchases.StagesAsync"/> from member-day rows, in the same shape as the payment queries: whether a
/// member bought in the dormant window is whether it has a last row there (<c>next_day</c> at or after the instant),
/// and whether it bought in the active window is whether that row's day is in it. Member facts (joined, deleted,
/// new) still come from members.
/// </summary>
internal static class RollupStages
{
    private const string Alive = "(m.joined_at < @asOf AND (m.deleted_at IS NULL OR m.deleted_at >= @asOf))";

    /// <summary>Joins each member to its last row in the dormant window (at most one).</summary>
    private static string LastRow(string rows) =>
        $"{rows} k ON k.member_id = m.id AND k.day >= @dormantDay AND k.day < @asOfDay AND k.next_day >= @asOfDay";

    private static (string, object?)[] Days(KpiSql sql, KpiQuery q, (string, object?)[] stageParams)
    {
        var t = sql.Lifecycle;
        var asOf = q.To.AddDays(1);
        return [.. stageParams, ("@asOfDay", KpiSql.Day(asOf)), ("@activeDay", KpiSql.Day(asOf.AddDays(-t.ActiveDays))),
            ("@dormantDay", KpiSql.Day(asOf.AddDays(-t.DormantDays)))];
    }

    public static async Task<Purchases.Stages> AllStoresAsync(KpiSql sql, MemberDayRows rows, KpiQuery q, (string, object?)[] stageParams, CancellationToken ct)
    {
        var p = Days(sql, q, stageParams);
        var counts = (await sql.RowsAsync("""
            SELECT (SELECT COUNT(*) FROM members m WHERE m.joined_at < @asOf) - (SELECT COUNT(*) FROM members m WHERE m.deleted_at < @asOf),
                   (SELECT COUNT(*) FROM members m WHERE m.joined_at >= @newSince AND m.joined_at < @asOf)
                 - (SELECT COUNT(*) FROM members m WHERE m.deleted_at < @asOf AND m.joined_at >= @newSince AND m.joined_at < @asOf),
                   (SELECT COUNT(*) FROM members m WHERE m.joined_at >= @dormantSince AND m.joined_at < @newSince AND (m.deleted_at IS NULL OR m.deleted_at >= @asOf))
            """, ct, p))[0];
        var buyers = (await rows.SumAsync(r => $"""
            SUM(k.prev_day < @dormantDay), SUM(k.day >= @activeDay AND k.prev_day < @activeDay)
            FROM {r} k WHERE k.day >= @dormantDay AND k.day < @asOfDay
            """, 0, ct, p))[0];
        // Members who are new, deleted by then, or joined after it: which of them bought in each window.
        var corrections = (await rows.SumAsync(r => $"""
            SUM({Alive} AND k.day >= @activeDay), SUM({Alive}), SUM(NOT {Alive} AND k.day >= @activeDay), SUM(NOT {Alive})
            FROM members m JOIN {LastRow(r)}
            WHERE (m.joined_at >= @newSince AND m.joined_at < @claimUntil) OR m.deleted_at < @asOf
            """, 0, ct, p))[0];
        // Joined within DormantDays (not new), alive: those who bought in the window are not "dormant without a purchase".
        var joinedBought = KpiSql.Long((await rows.SumAsync(r => $"""
            COUNT(*) FROM members m JOIN {LastRow(r)}
            WHERE m.joined_at >= @dormantSince AND m.joined_at < @newSince AND (m.deleted_at IS NULL OR m.deleted_at >= @asOf)
            """, 0, ct, p))[0][0]);
        return Purchases.Stages.FromCounts(counts, buyers, corrections, KpiSql.Long(counts[2]) - joinedBought);
    }

    /// <summary>
    /// One store. Dormant = not new, not active, and (bought in the window or joined within it) = the store's
    /// not-new buyers outside the active window + not-new members joined within it − those of them who bought.
    /// </summary>
    public static async Task<Purchases.Stages> OneStoreAsync(KpiSql sql, MemberDayRows rows, KpiQuery q, (string, object?)[] stageParams, CancellationToken ct)
    {
        var p = Days(sql, q, stageParams);
        var members = (await sql.RowsAsync($"""
            SELECT COUNT(*), COALESCE(SUM(m.joined_at >= @newSince), 0), COALESCE(SUM(m.joined_at < @newSince AND m.joined_at >= @dormantSince), 0)
            FROM members m WHERE m.store_id = @store AND {Alive}
            """, ct, p))[0];
        var bought = (await rows.SumAsync(r => $"""
            SUM(m.joined_at < @newSince AND k.day >= @activeDay), SUM(k.day >= @activeDay), SUM(m.joined_at < @newSince AND k.day < @activeDay),
            SUM(m.joined_at < @newSince AND m.joined_at >= @dormantSince)
            FROM {r} k JOIN members m ON m.id = k.member_id AND m.store_id = @store AND {Alive}
            WHERE k.store_id = @store AND k.day >= @dormantDay AND k.day < @asOfDay AND k.next_day >= @asOfDay
            """, 0, ct, p))[0];
        long total = KpiSql.Long(members[0]), newMembers = KpiSql.Long(members[1]), joinedInWindow = KpiSql.Long(members[2]);
        long active = KpiSql.Long(bought[0]), activeIncludingNew = KpiSql.Long(bought[1]);
        long boughtOutsideActive = KpiSql.Long(bought[2]), joinedInWindowBought = KpiSql.Long(bought[3]);
        return new Purchases.Stages(total, newMembers, active, activeIncludingNew, boughtOutsideActive + joinedInWindow - joinedInWindowBought);
    }
}
