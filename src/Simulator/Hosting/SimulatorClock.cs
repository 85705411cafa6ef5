using System.Globalization;

namespace WechatLoyalty.Simulator.Hosting;

/// <summary>WeChat's "now": an injected TimeProvider plus an offset that tests and the page can advance
/// (code expiry, token expiry, quotas, timestamps). Delivery delays run on the real clock, scaled.</summary>
public sealed class SimulatorClock(TimeProvider inner) : TimeProvider
{
    private long _offsetTicks;

    public TimeSpan Offset => TimeSpan.FromTicks(Interlocked.Read(ref _offsetTicks));

    public override DateTimeOffset GetUtcNow() => inner.GetUtcNow() + Offset;

    public override TimeZoneInfo LocalTimeZone => inner.LocalTimeZone;

    public void Advance(TimeSpan by) => Interlocked.Add(ref _offsetTicks, by.Ticks);

    public void ResetOffset() => Interlocked.Exchange(ref _offsetTicks, 0);

    public long UnixSeconds => GetUtcNow().ToUnixTimeSeconds();

    /// <summary>RFC 3339 in China time, as WeChat Pay writes times.</summary>
    public static string Rfc3339(DateTimeOffset time) => time.ToOffset(TimeSpan.FromHours(8)).ToString("yyyy-MM-dd'T'HH:mm:sszzz",
        CultureInfo.InvariantCulture);

    public static DateOnly ChinaDate(DateTimeOffset time) => DateOnly.FromDateTime(time.ToOffset(TimeSpan.FromHours(8)).DateTime);
}
