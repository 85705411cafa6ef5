using System.Data;
using System.Data.Common;
using System.Diagnostics;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Storage;
using Microsoft.Extensions.Options;
using WechatLoyalty.Domain.Common;
using WechatLoyalty.Domain.Data;
using WechatLoyalty.Domain.Programme;

namespace WechatLoyalty.Domain.Campaigns.Segments;

public sealed record AudienceSize(long Members, double ElapsedMs);

/// <summary>
/// A segment's audience, counted by MariaDB. Also checks what the parser cannot: that the tier codes and stores a
/// definition names exist, so a typo is a 400 rather than an empty audience.
/// </summary>
public sealed class SegmentAudience(LoyaltyDbContext db, ProgrammeClock clock, ProgrammeRulesStore rulesStore, IOptions<CampaignsOptions> options)
{
    public async Task<SegmentNode> ParseAndCheckAsync(string json, string fallbackPreset, CancellationToken ct)
    {
        var node = SegmentParser.Parse(json);
        await CheckReferencesAsync(node, fallbackPreset, ct);
        return node;
    }

    public SegmentSql Compile(SegmentNode node) => SegmentSql.Build(node, clock, options.Value.Lifecycle);

    public async Task<AudienceSize> CountAsync(SegmentNode node, CancellationToken ct)
    {
        var sql = Compile(node);
        var watch = Stopwatch.StartNew();
        var connection = db.Database.GetDbConnection();
        var opened = connection.State != ConnectionState.Open;
        if (opened) await db.Database.OpenConnectionAsync(ct);
        try
        {
            await using var command = connection.CreateCommand();
            command.Transaction = db.Database.CurrentTransaction?.GetDbTransaction();
            // MariaDB's split materialization would run the derived tables once per member again (per-row lookups,
            // measured several times slower on 30,000 members); one pass each is what they are for. MySQL has no such switch.
            var count = $"SELECT COUNT(*) FROM {sql.From} WHERE {sql.Where}";
            command.CommandText = connection.ServerVersion.Contains("MariaDB", StringComparison.OrdinalIgnoreCase)
                ? $"SET STATEMENT optimizer_switch = 'split_materialized=off' FOR {count}" : count;
            command.Parameters.AddRange(sql.CloneParameters());
            var members = Convert.ToInt64(await command.ExecuteScalarAsync(ct), System.Globalization.CultureInfo.InvariantCulture);
            return new AudienceSize(members, watch.Elapsed.TotalMilliseconds);
        }
        finally
        {
            if (opened) await db.Database.CloseConnectionAsync();
        }
    }

    /// <summary>The audience's member ids in id order (tests and small previews; the fan-out freezes with INSERT … SELECT).</summary>
    public async Task<List<long>> MemberIdsAsync(SegmentNode node, int limit, CancellationToken ct)
    {
        var sql = Compile(node);
        // The condition is ours (SegmentSql: only parameters carry values), so composing it is safe.
#pragma warning disable EF1002
        return await db.Database.SqlQueryRaw<long>($"SELECT m.id AS Value FROM {sql.From} WHERE {sql.Where} ORDER BY m.id LIMIT {limit}",
            sql.CloneParameters().Cast<object>().ToArray()).ToListAsync(ct);
#pragma warning restore EF1002
    }

    private async Task CheckReferencesAsync(SegmentNode node, string fallbackPreset, CancellationToken ct)
    {
        var tiers = Flatten(node).OfType<TierCriterion>().SelectMany(c => c.In).Distinct(StringComparer.OrdinalIgnoreCase).ToList();
        if (tiers.Count > 0)
        {
            var ladder = (await rulesStore.GetActiveAsync(fallbackPreset, ct)).Ladder;
            var unknown = tiers.Where(code => !ladder.Tiers.Any(t => string.Equals(t.Code, code, StringComparison.OrdinalIgnoreCase))).ToList();
            if (unknown.Count > 0)
                throw new DomainException("segment.unknown_tier", $"Unknown tier code(s): {string.Join(", ", unknown)}; the ladder has {string.Join(", ", ladder.Tiers.Select(t => t.Code))}.");
        }
        var stores = Flatten(node).OfType<StoreCriterion>().SelectMany(c => c.In).Distinct().ToList();
        if (stores.Count > 0)
        {
            var known = await db.Stores.Where(s => stores.Contains(s.Id)).Select(s => s.Id).ToListAsync(ct);
            var unknown = stores.Except(known).ToList();
            if (unknown.Count > 0) throw new DomainException("segment.unknown_store", $"Unknown store id(s): {string.Join(", ", unknown)}.");
        }
    }

    private static IEnumerable<SegmentNode> Flatten(SegmentNode node) =>
        node is SegmentGroup g ? g.Rules.SelectMany(Flatten).Prepend(node) : [node];
}
