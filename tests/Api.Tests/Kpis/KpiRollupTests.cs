using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using WechatLoyalty.Api.Tests.Infrastructure;
using WechatLoyalty.Domain.Data;
using WechatLoyalty.Domain.Kpis;
using WechatLoyalty.Domain.Kpis.Rollup;
using WechatLoyalty.Domain.Members;
using WechatLoyalty.Domain.Payments;
using WechatLoyalty.Domain.Stores;

namespace WechatLoyalty.Api.Tests.Kpis;

/// <summary>
/// Every panel read through the member-day rollup answers exactly what it answers from payments (the reference
/// queries), on a made-up programme with same-day repeats, purchases around Shanghai midnight, partial and full
/// refunds, non-member payers, deleted members and payments claimed before joining; then after changes the rollup
/// has not seen yet (today's purchases, a refund and a claim on past days), and after the refresh re-rolls them.
/// </summary>
public class KpiRollupTests(LoyaltyApiFactory factory) : IClassFixture<LoyaltyApiFactory>
{
    /// <summary>The made-up programme's "today" (programme days; the data lies around it).</summary>
    private static readonly DateOnly Today = new(2026, 11, 20);

    private static DateTime Utc(DateOnly day, int hourUtc, int minute = 0) =>
        day.ToDateTime(new TimeOnly(0, 0), DateTimeKind.Utc).AddHours(hourUtc).AddMinutes(minute);

    [Fact]
    public async Task Panels_FromRollup_EqualPanelsFromPayments_BeforeAndAfterLateChanges()
    {
        var (storeA, storeB, members) = await SeedAsync();
        var queries = Queries(storeA, storeB);
        await using (var scope = factory.Services.CreateAsyncScope()) await scope.ServiceProvider.GetRequiredService<KpiRollup>().ResetAsync();
        await AssertSameAsync(queries.Take(2), "before the first build (both read payments)");

        // Built, nothing changed since: every answer comes from the rollup's rows alone.
        var first = await RefreshAsync();
        Assert.True(first.Rebuilt);
        await AgeChangesAsync();
        Assert.Equal(0L, await ChangedMembersAsync());
        await AssertSameAsync(queries, "after the first build");

        // Today's purchases (a second one the same day, one after a single earlier purchase), a full refund and a
        // partial refund on closed days, a claimed payment: the panels compute those members from payments.
        await factory.WithDbAsync(async db =>
        {
            db.Payments.Add(Paid(members[3], 12_000, Utc(Today, 1), storeA));
            db.Payments.Add(Paid(members[3], 3_000, Utc(Today, 15, 30), storeA)); // 23:30 Shanghai, still today
            db.Payments.Add(Paid(members[11], 8_800, Utc(Today, 2), storeB));
            db.Payments.Add(Paid(null, 5_000, Utc(Today, 3), storeB));
            await db.SaveChangesAsync();
            var refunded = await db.Payments.Where(p => p.MemberId != null && p.RefundedFen == 0 && p.PaidAt < Utc(Today.AddDays(-20), 0))
                .OrderBy(p => p.Id).Take(3).ToListAsync();
            refunded[0].RefundedFen = refunded[0].PayerTotalFen;
            refunded[1].RefundedFen = refunded[1].PayerTotalFen;
            refunded[2].RefundedFen = refunded[2].PayerTotalFen / 2;
            var claimed = await db.Payments.Where(p => p.MemberId == null && p.PaidAt < Utc(Today.AddDays(-5), 0)).OrderBy(p => p.Id).FirstAsync();
            claimed.MemberId = members[20];
            await db.SaveChangesAsync();
        });
        Assert.True(await ChangedMembersAsync() >= 5);
        await AssertSameAsync(queries, "with changes the rollup has not seen");

        var second = await RefreshAsync();
        Assert.False(second.Rebuilt);
        Assert.True(second.Members >= 5);
        await AgeChangesAsync();
        Assert.Equal(0L, await ChangedMembersAsync());
        await AssertSameAsync(queries, "after the refresh re-rolled the changed members");
    }

    [Fact]
    public async Task Refresh_RerunWithoutChanges_RewritesNothing()
    {
        await RefreshAsync();
        await AgeChangesAsync();

        var run = await RefreshAsync();

        Assert.False(run.Rebuilt);
        Assert.Equal(0, run.Members);
    }

    private static List<KpiQuery> Queries(long storeA, long storeB) =>
    [
        new(new DateOnly(2026, 10, 1), new DateOnly(2026, 10, 31), null, KpiGrain.Day),
        new(new DateOnly(2026, 10, 1), new DateOnly(2026, 10, 31), storeA, KpiGrain.Day),
        new(new DateOnly(2026, 5, 1), Today, null, KpiGrain.Week),
        new(new DateOnly(2026, 5, 1), Today, storeB, KpiGrain.Week),
        new(new DateOnly(2026, 4, 17), Today, null, KpiGrain.Month),
        new(new DateOnly(2026, 8, 13), new DateOnly(2026, 10, 2), storeA, KpiGrain.Week),
        new(new DateOnly(2026, 9, 10), Today, null, KpiGrain.Day),
        new(new DateOnly(2026, 9, 10), Today, storeA, KpiGrain.Month),
        new(Today, Today, null, KpiGrain.Day),
        new(Today.AddDays(-6), Today, storeB, KpiGrain.Day),
    ];

    private Task AssertSameAsync(IEnumerable<KpiQuery> queries, string when) => RollupComparison.AssertSameAsync(factory.Services, queries, when);

    private async Task<KpiRollupRun> RefreshAsync()
    {
        await using var scope = factory.Services.CreateAsyncScope();
        return await scope.ServiceProvider.GetRequiredService<KpiRollup>().RefreshAsync();
    }

    /// <summary>Moves every payment's last change to before the watermark, as if the changes had happened yesterday.</summary>
    private Task AgeChangesAsync() => factory.WithDbAsync(db =>
        db.Database.ExecuteSqlRawAsync("UPDATE payments SET kpi_touched_at = NOW(6) - INTERVAL 1 DAY"));

    private Task<long> ChangedMembersAsync() => factory.WithDbAsync(async db =>
    {
        await db.Database.OpenConnectionAsync();
        await using var command = db.Database.GetDbConnection().CreateCommand();
        command.CommandText = """
            SELECT COUNT(DISTINCT p.member_id) FROM payments p JOIN kpi_rollup_state s ON s.id = 1
            WHERE p.kpi_touched_at >= s.watermark AND p.member_id IS NOT NULL
            """;
        return Convert.ToInt64(await command.ExecuteScalarAsync());
    });

    private static Payment Paid(long? member, long fen, DateTime at, long store, long refunded = 0)
    {
        var p = TestData.Payment(member ?? 0, fen, at, refunded);
        p.MemberId = member;
        p.StoreId = store;
        return p;
    }

    /// <summary>
    /// 48 members over two stores and none (joined March..November, three deleted) and about 600 payments from May
    /// to the day before <see cref="Today"/>, from a fixed seed: bursts of same-day purchases, 15:30/16:10 UTC
    /// (either side of Shanghai midnight), 8% fully and 8% partly refunded, one in six by non-members.
    /// </summary>
    private async Task<(long StoreA, long StoreB, List<long> Members)> SeedAsync()
    {
        return await factory.WithDbAsync(async db =>
        {
            var suffix = Guid.NewGuid().ToString("N")[..6];
            var a = new Store { Code = $"RA{suffix}", Name = "A", City = "上海", CreatedAt = Utc(new DateOnly(2025, 1, 1), 0) };
            var b = new Store { Code = $"RB{suffix}", Name = "B", City = "上海", CreatedAt = Utc(new DateOnly(2025, 1, 1), 0) };
            db.Stores.AddRange(a, b);
            await db.SaveChangesAsync();
            var random = new Random(20261120);
            var sources = Enum.GetValues<JoinSource>();
            var members = new List<Member>();
            for (var i = 0; i < 48; i++)
            {
                var joined = Utc(new DateOnly(2026, 3, 1).AddDays(random.Next(0, 262)), random.Next(0, 24));
                var m = TestData.Member("ordinary", joined);
                m.StoreId = (i % 3) switch { 0 => a.Id, 1 => b.Id, _ => null };
                m.JoinSource = sources[i % sources.Length];
                if (i % 16 == 5) m.DeletedAt = joined.AddDays(40);
                members.Add(m);
            }
            db.Members.AddRange(members);
            await db.SaveChangesAsync();
            int[] hours = [2, 9, 15, 16]; // 15:30 UTC is 23:30 Shanghai, 16:10 UTC is 00:10 the next day
            for (var i = 0; i < 600; i++)
            {
                var day = new DateOnly(2026, 5, 1).AddDays(random.Next(0, 203));
                var member = random.Next(6) == 0 ? (Member?)null : members[random.Next(members.Count)];
                var fen = 1_000 + random.Next(0, 50_000);
                var refund = random.Next(100) switch { < 8 => fen, < 16 => fen / 3, _ => 0L };
                var count = random.Next(10) == 0 ? 3 : 1; // a burst of purchases by the same payer that day
                for (var j = 0; j < count; j++)
                {
                    var hour = hours[random.Next(hours.Length)];
                    db.Payments.Add(Paid(member?.Id, fen + j, Utc(day, hour, hour == 15 ? 30 : hour == 16 ? 10 : 0), i % 2 == 0 ? a.Id : b.Id, j == 0 ? refund : 0));
                }
            }
            await db.SaveChangesAsync();
            return (a.Id, b.Id, members.Select(m => m.Id).ToList());
        });
    }
}
