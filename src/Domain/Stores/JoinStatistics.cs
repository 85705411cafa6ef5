using Microsoft.EntityFrameworkCore;
using WechatLoyalty.Domain.Common;
using WechatLoyalty.Domain.Data;

namespace WechatLoyalty.Domain.Stores;

public sealed record JoinCount(DateOnly Day, long? StoreId, string? StoreCode, long? StaffId, string? StaffName, int Members);

/// <summary>Members who joined per programme day, store and staff member: who brings members in.</summary>
public sealed class JoinStatistics(LoyaltyDbContext db, ProgrammeClock clock)
{
    public async Task<IReadOnlyList<JoinCount>> GetAsync(DateOnly from, DateOnly to, long? storeId, CancellationToken ct)
    {
        if (to < from) throw new DomainException("stats.range", "'to' must not be before 'from'.");
        if (to.DayNumber - from.DayNumber > 366) throw new DomainException("stats.range", "At most 366 days at a time.");
        var fromUtc = clock.StartOfDayUtc(from);
        var toUtc = clock.StartOfDayUtc(to.AddDays(1));
        // Grouped in SQL by UTC hour, then folded into programme days here: correct for every zone whose offset
        // is whole hours (all of China), needs no time-zone tables in MariaDB, and moves at most
        // 24 × days × stores × staff rows.
        var rows = await db.Members.AsNoTracking()
            .Where(m => m.JoinedAt >= fromUtc && m.JoinedAt < toUtc && (storeId == null || m.StoreId == storeId))
            .GroupBy(m => new { m.StoreId, m.StaffId, m.JoinedAt.Date, m.JoinedAt.Hour })
            .Select(g => new { g.Key.StoreId, g.Key.StaffId, g.Key.Date, g.Key.Hour, Count = g.Count() })
            .ToListAsync(ct);
        var stores = await db.Stores.AsNoTracking().ToDictionaryAsync(s => s.Id, s => s.Code, ct);
        var staff = await db.Staff.AsNoTracking().ToDictionaryAsync(s => s.Id, s => s.Name, ct);
        return [.. rows
            .GroupBy(r => (Day: clock.DateOf(new DateTimeOffset(DateTime.SpecifyKind(r.Date.AddHours(r.Hour), DateTimeKind.Utc))), r.StoreId, r.StaffId))
            .Select(g => new JoinCount(g.Key.Day, g.Key.StoreId, g.Key.StoreId is { } s ? stores.GetValueOrDefault(s) : null,
                g.Key.StaffId, g.Key.StaffId is { } u ? staff.GetValueOrDefault(u) : null, g.Sum(r => r.Count)))
            .OrderBy(c => c.Day).ThenBy(c => c.StoreCode).ThenBy(c => c.StaffName)];
    }
}
