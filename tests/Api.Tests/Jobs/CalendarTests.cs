using Microsoft.EntityFrameworkCore;
using WechatLoyalty.Api.Tests.Points;
using WechatLoyalty.Domain.Common;
using WechatLoyalty.Domain.Payments;
using WechatLoyalty.Domain.Points;
using WechatLoyalty.Domain.Programme;
using WechatLoyalty.Domain.Tiers;

namespace WechatLoyalty.Api.Tests.Jobs;

/// <summary>
/// The programme's clock across the calendar's awkward days: Feb 29, month ends, new year, and the Asia/Shanghai
/// day boundary (16:00 UTC). Payments are recorded through the real payment path on a fake clock, then the jobs'
/// domain services run at chosen instants. Times in these tests are Shanghai wall-clock times.
/// </summary>
public sealed class CalendarFactory() : PointsFactory(new DateTimeOffset(2024, 2, 28, 0, 0, 0, TimeSpan.Zero))
{
    private static readonly TimeZoneInfo Shanghai = ProgrammeClock.FindZone("Asia/Shanghai");

    /// <summary>Moves the clock to a Shanghai wall-clock time ("2024-02-29 23:30").</summary>
    public void At(string shanghai) => Time.SetUtcNow(ToUtc(shanghai));

    public static DateTime ToUtc(string shanghai) =>
        TimeZoneInfo.ConvertTimeToUtc(DateTime.ParseExact(shanghai, ["yyyy-MM-dd HH:mm", "yyyy-MM-dd HH:mm:ss"], null), Shanghai);

    /// <summary>A store purchase paid now, recorded exactly as a WeChat Pay notification or POS query records it.</summary>
    public async Task<PaymentRecordResult> PayAsync(long memberId, long fen)
    {
        var id = Guid.NewGuid().ToString("N");
        var paid = new PaidTransaction($"4200{id}"[..32], $"C{id}"[..32], "wxcalendar", "oCalendarPayer", fen, fen, Now, PaymentChannel.InStore, memberId);
        var result = await WithAsync<PaymentRecorder, PaymentRecordResult>(r => r.RecordAsync(paid, ProgrammePresets.AccessoryName, default));
        Assert.Equal(PaymentRecordStatus.Recorded, result.Status);
        return result;
    }

    public Task<int> ExpireAsync() => WithAsync<PointsMaintenance, int>(m => m.ExpireAllAsync());

    public Task<TierRecalculationResult> RecalculateTiersAsync() =>
        WithAsync<TierRecalculation, TierRecalculationResult>(t => t.RunAsync(ProgrammePresets.AccessoryName));
}

public class ExpiryCalendarTests(CalendarFactory factory) : IClassFixture<CalendarFactory>
{
    [Fact]
    public async Task ExpiryJob_ExpiresEachLotAtTheEndOfItsProgrammeDay_AcrossFeb29MonthEndsAndNewYear()
    {
        var member = await factory.NewMemberAsync("ordinary");
        (string EarnedAt, long Fen, string LastDay)[] lots =
        [
            ("2024-02-29 23:30", 10_000, "2026-02-28"), // Feb 29 + 24 months has no Feb 29: the last day is Feb 28
            ("2024-03-01 00:30", 20_000, "2026-03-01"), // the same UTC day as the one above (Feb 29, 16:30 UTC)
            ("2024-08-31 10:00", 30_000, "2026-08-31"), // a 31st, to a month with one
            ("2024-12-31 23:59", 40_000, "2026-12-31"),
            ("2025-01-01 00:01", 50_000, "2027-01-01"), // two minutes later, a year later
        ];
        foreach (var (earnedAt, fen, _) in lots)
        {
            factory.At(earnedAt);
            await factory.PayAsync(member, fen);
        }
        var stored = await factory.LotsAsync(member);
        Assert.Equal(lots.Length, stored.Count);
        foreach (var (lot, expected) in stored.Zip(lots))
            Assert.Equal(CalendarFactory.ToUtc(expected.LastDay + " 23:59:59").AddSeconds(1), lot.ExpiresAt, TimeSpan.FromMilliseconds(1));

        long balance = 1_500;
        foreach (var (_, fen, lastDay) in lots)
        {
            // Last second of the lot's last day: nothing of it expires. The job's own time, 00:05 the next day: it does.
            factory.At(lastDay + " 23:59:59");
            Assert.Equal(0, await factory.ExpireAsync());
            factory.At(DateOnly.Parse(lastDay).AddDays(1).ToString("yyyy-MM-dd") + " 00:05");
            Assert.Equal(1, await factory.ExpireAsync());
            Assert.Equal(0, await factory.ExpireAsync());
            balance -= fen / 100;
            Assert.Equal(balance, (await factory.AssertConsistentAsync(member)).PointsBalance);
        }
        Assert.Equal(5, (await factory.EntriesAsync(member)).Count(e => e.Kind == PointEntryKind.Expire));
    }
}

public class TierGuaranteeCalendarTests(CalendarFactory factory) : IClassFixture<CalendarFactory>
{
    [Fact]
    public async Task NightlyRecalculation_CountsFeb29InTheRollingYear_AndEndsItsGuaranteeOnFeb28()
    {
        factory.At("2024-02-28 10:00");
        var member = await factory.NewMemberAsync("ordinary");
        factory.At("2024-02-29 12:00");
        var paid = await factory.PayAsync(member, 300_000);
        Assert.Equal("silver", paid.UpgradedTo);

        // Feb 27, 2025: the 365 days ending today start on Feb 29, 2024, so the payment still counts.
        factory.At("2025-02-27 02:30");
        await factory.RecalculateTiersAsync();
        Assert.Equal("silver", (await factory.MemberAsync(member)).TierCode);

        // Feb 28: the payment has left the window, but the tier reached at noon on Feb 29 is guaranteed until noon
        // on Feb 28 (12 months later; next year has no Feb 29), so the 02:30 run keeps it.
        factory.At("2025-02-28 02:30");
        await factory.RecalculateTiersAsync();
        Assert.Equal("silver", (await factory.MemberAsync(member)).TierCode);

        // Mar 1, 02:30: the guarantee ended yesterday at noon; the night's run downgrades, once.
        factory.At("2025-03-01 02:30");
        var result = await factory.RecalculateTiersAsync();
        Assert.Equal(1, result.Downgraded);
        Assert.Equal("ordinary", (await factory.MemberAsync(member)).TierCode);
        var changes = await factory.WithDbAsync(db => db.TierChanges.AsNoTracking().Where(c => c.MemberId == member).OrderBy(c => c.Id).ToListAsync());
        Assert.Equal(["ordinary→silver", "silver→ordinary"], changes.Select(c => $"{c.FromTier}→{c.ToTier}"));
        Assert.Equal(0, (await factory.RecalculateTiersAsync()).Downgraded);
    }
}
