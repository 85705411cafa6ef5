using System.Data.Common;
using System.Diagnostics;

using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Storage;
using Microsoft.Extensions.Logging;
using MySqlConnector;
using WechatLoyalty.Domain.Common;
using WechatLoyalty.Domain.Data;
using WechatLoyalty.Domain.Members;
using WechatLoyalty.Domain.Programme;

namespace WechatLoyalty.Domain.Tiers;

public sealed record TierRecalculationResult(int Members, int Upgraded, int Downgraded, TimeSpan Elapsed);

/// <summary>
/// The nightly tier recalculation, set-based in SQL over windows of member ids: each window's rolling 365-day net
/// spend is aggregated once into a temporary table with the tier it qualifies for, and only the members whose tier
/// must change are written (a change row with its reason, then one UPDATE). Upgrades that were missed are caught;
/// downgrades wait for the guaranteed period and drop to the tier the spend still qualifies for, never below.
/// Each window is one transaction, so a crash loses one window's work and a re-run changes nothing.
/// </summary>
public sealed class TierRecalculation(
    LoyaltyDbContext db, ProgrammeRulesStore rulesStore, TierUpgrades upgrades, ProgrammeClock clock, ILogger<TierRecalculation> logger)
{
    public const int DefaultWindow = 20_000;

    public async Task<TierRecalculationResult> RunAsync(
        string fallbackPreset, int window = DefaultWindow, Func<int, long, Task>? progress = null, CancellationToken ct = default)
    {
        var rules = await rulesStore.GetActiveAsync(fallbackPreset, ct);
        var now = clock.UtcNow.UtcDateTime;
        var from = NetSpend.WindowStartUtc(clock);
        var maxId = await db.Members.MaxAsync(m => (long?)m.Id, ct) ?? 0;
        var sql = TierSql.Build(rules.Ladder);
        var watch = Stopwatch.StartNew();
        int members = 0, upgraded = 0, downgraded = 0;

        for (long after = 0; after < maxId; after += window)
        {
            var (count, up, down) = await db.ExecuteAsync(
                token => RecalculateWindowAsync(sql, rules, after, after + window, from, now, token), ct);
            members += count;
            upgraded += up;
            downgraded += down;
            logger.LogInformation("Tier recalculation: members up to id {UpTo} of {MaxId} done ({Rate:0} members/s); {Upgraded} up, {Downgraded} down so far",
                Math.Min(after + window, maxId), maxId, members / Math.Max(watch.Elapsed.TotalSeconds, 0.001), upgraded, downgraded);
            if (progress is not null) await progress(members, maxId);
        }
        return new TierRecalculationResult(members, upgraded, downgraded, watch.Elapsed);
    }

    private async Task<(int Members, int Upgraded, int Downgraded)> RecalculateWindowAsync(
        TierSql sql, ProgrammeRules rules, long after, long upTo, DateTime from, DateTime now, CancellationToken ct)
    {
        var connection = db.Database.GetDbConnection();
        var transaction = db.Database.CurrentTransaction!.GetDbTransaction();
        await ExecuteAsync(connection, transaction, TierSql.CreateScratch, ct);
        await ExecuteAsync(connection, transaction, "DELETE FROM tier_recalc", ct);
        var members = await ExecuteAsync(connection, transaction, sql.Fill, ct,
            new MySqlParameter("@after", after), new MySqlParameter("@upTo", upTo),
            new MySqlParameter("@from", from), new MySqlParameter("@now", now), new MySqlParameter("@guaranteeMonths", rules.TierGuaranteedMonths));
        await ExecuteAsync(connection, transaction, TierSql.RecordChanges, ct, new MySqlParameter("@now", now));
        await ExecuteAsync(connection, transaction, TierSql.ApplyChanges, ct, new MySqlParameter("@now", now));
        await ExecuteAsync(connection, transaction, TierSql.QueueMessages, ct, new MySqlParameter("@now", now));
        var (up, down) = await CountAsync(connection, transaction, ct);
        // Rewards go through the ledger one member at a time; upgrades at night are few, and most ladders have none.
        if (up > 0 && TierUpgrades.AnyRewards(rules))
        {
            foreach (var (memberId, fromTier, toTier) in await ReadUpgradesAsync(connection, transaction, ct))
                await upgrades.GrantRewardsAsync(memberId, fromTier, toTier, rules, ct);
        }
        return (members, up, down);
    }

    private static async Task<List<(long MemberId, string FromTier, string ToTier)>> ReadUpgradesAsync(
        DbConnection connection, DbTransaction transaction, CancellationToken ct)
    {
        await using var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = TierSql.Upgrades;
        var rows = new List<(long, string, string)>();
        await using var reader = await command.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct)) rows.Add((reader.GetInt64(0), reader.GetString(1), reader.GetString(2)));
        return rows;
    }

    private static async Task<(int Up, int Down)> CountAsync(DbConnection connection, DbTransaction transaction, CancellationToken ct)
    {
        await using var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = "SELECT COALESCE(SUM(is_upgrade), 0), COALESCE(SUM(1 - is_upgrade), 0) FROM tier_recalc WHERE changes = 1";
        await using var reader = await command.ExecuteReaderAsync(ct);
        await reader.ReadAsync(ct);
        return (Convert.ToInt32(reader.GetValue(0), System.Globalization.CultureInfo.InvariantCulture),
            Convert.ToInt32(reader.GetValue(1), System.Globalization.CultureInfo.InvariantCulture));
    }

    private static async Task<int> ExecuteAsync(DbConnection connection, DbTransaction transaction, string text, CancellationToken ct,
        params MySqlParameter[] parameters)
    {
        await using var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = text;
        command.CommandTimeout = 600;
        command.Parameters.AddRange(parameters);
        return await command.ExecuteNonQueryAsync(ct);
    }
}
