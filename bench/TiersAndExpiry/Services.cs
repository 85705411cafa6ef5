using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging.Abstractions;
using WechatLoyalty.Domain.Common;
using WechatLoyalty.Domain.Data;
using WechatLoyalty.Domain.Points;
using WechatLoyalty.Domain.Programme;
using WechatLoyalty.Domain.Tiers;

namespace WechatLoyalty.TiersAndExpiry;

/// <summary>A clock that stands still: the bench runs the jobs at the instant the data was generated for.</summary>
internal sealed class FixedTime(DateTimeOffset now) : TimeProvider
{
    public override DateTimeOffset GetUtcNow() => now;
}

/// <summary>The code under test, wired as the job hosts wire it (one DbContext per job run, retrying strategy on).</summary>
internal static class Services
{
    public static readonly TimeZoneInfo Zone = ProgrammeClock.FindZone("Asia/Shanghai");

    public static LoyaltyDbContext NewContext(BenchOptions options)
    {
        var builder = new DbContextOptionsBuilder<LoyaltyDbContext>();
        LoyaltyDataRegistration.Configure(builder, options.ConnectionString);
        return new LoyaltyDbContext(builder.Options);
    }

    public static ProgrammeClock Clock(DateTime utcNow) => new(new FixedTime(new DateTimeOffset(utcNow, TimeSpan.Zero)), Zone);

    public static TierRecalculation Tiers(LoyaltyDbContext db, ProgrammeClock clock) =>
        new(db, new ProgrammeRulesStore(db, clock), new TierUpgrades(db, new PointsLedger(new LedgerStore(db, clock), clock), clock),
            clock, NullLogger<TierRecalculation>.Instance);

    public static PointsMaintenance Maintenance(LoyaltyDbContext db, ProgrammeClock clock) => new(new LedgerStore(db, clock), clock);
}
