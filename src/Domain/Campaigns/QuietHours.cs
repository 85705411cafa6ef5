using WechatLoyalty.Domain.Common;

namespace WechatLoyalty.Domain.Campaigns;

/// <summary>
/// No campaign message between <see cref="Start"/> and <see cref="End"/> programme time (default 21:00–09:00, a
/// window that crosses midnight). Start = End = 00:00 turns quiet hours off.
/// </summary>
public sealed record QuietHours(TimeOnly Start, TimeOnly End)
{
    public bool Disabled => Start == End;

    public bool IsQuiet(DateTimeOffset instant, ProgrammeClock clock)
    {
        if (Disabled) return false;
        var local = TimeOnly.FromDateTime(TimeZoneInfo.ConvertTime(instant, clock.Zone).DateTime);
        return Start < End ? local >= Start && local < End : local >= Start || local < End;
    }

    /// <summary>The first instant (UTC) at or after <paramref name="instant"/> outside quiet hours.</summary>
    public DateTime NextOpenUtc(DateTimeOffset instant, ProgrammeClock clock)
    {
        if (!IsQuiet(instant, clock)) return instant.UtcDateTime;
        var local = TimeZoneInfo.ConvertTime(instant, clock.Zone).DateTime;
        var day = DateOnly.FromDateTime(local);
        // Quiet now: the window ends at End today if that is still ahead, else at End tomorrow.
        var endToday = day.ToDateTime(End);
        var end = endToday > local ? endToday : day.AddDays(1).ToDateTime(End);
        return TimeZoneInfo.ConvertTimeToUtc(DateTime.SpecifyKind(end, DateTimeKind.Unspecified), clock.Zone);
    }
}
