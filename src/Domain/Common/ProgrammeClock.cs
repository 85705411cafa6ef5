namespace WechatLoyalty.Domain.Common;

/// <summary>
/// Business days are days in the programme's time zone (Asia/Shanghai by default) while every timestamp is
/// stored in UTC. This is the one place that converts between the two, so "today", "end of the day" and
/// "birthday" mean the same thing in every rule and job.
/// </summary>
public sealed class ProgrammeClock(TimeProvider time, TimeZoneInfo zone)
{
    public TimeZoneInfo Zone { get; } = zone;

    public DateTimeOffset UtcNow => time.GetUtcNow();

    /// <summary>Today's date in the programme time zone.</summary>
    public DateOnly Today => DateOnly.FromDateTime(TimeZoneInfo.ConvertTime(time.GetUtcNow(), Zone).DateTime);

    public DateOnly DateOf(DateTimeOffset instant) =>
        DateOnly.FromDateTime(TimeZoneInfo.ConvertTime(instant, Zone).DateTime);

    /// <summary>The UTC instant at which <paramref name="day"/> starts in the programme time zone.</summary>
    public DateTime StartOfDayUtc(DateOnly day) =>
        TimeZoneInfo.ConvertTimeToUtc(day.ToDateTime(TimeOnly.MinValue, DateTimeKind.Unspecified), Zone);

    /// <summary>The last UTC instant of <paramref name="day"/> in the programme time zone (exclusive bound minus one tick).</summary>
    public DateTime EndOfDayUtc(DateOnly day) => StartOfDayUtc(day.AddDays(1)).AddTicks(-1);

    public static TimeZoneInfo FindZone(string id) => TimeZoneInfo.FindSystemTimeZoneById(id);
}
