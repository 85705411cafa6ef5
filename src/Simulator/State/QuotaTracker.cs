using System.Globalization;
using WechatLoyalty.Simulator.Hosting;

namespace WechatLoyalty.Simulator.State;

/// <summary>Daily (China date) and per-minute call counters; 45009 when a quota is reached or the knob says so.</summary>
public sealed class QuotaTracker(SimulatorState state, SimulatorOptions options, SimulatorClock clock, Faults faults)
{
    /// <summary>Counts one call; false (→ 45009) when the day's quota is used up. The QuotaExhausted knob applies to
    /// business APIs only, not to the token endpoints (<paramref name="honourKnob"/> false).</summary>
    public bool TryConsumeDaily(string api, bool honourKnob = true) =>
        TryConsume(api, SimulatorClock.ChinaDate(clock.GetUtcNow()).ToString("yyyyMMdd", CultureInfo.InvariantCulture), honourKnob);

    public bool TryConsumePerMinute(string api) => TryConsume(api, clock.GetUtcNow().ToString("yyyyMMddHHmm", CultureInfo.InvariantCulture), true);

    private bool TryConsume(string api, string period, bool honourKnob)
    {
        if (honourKnob && faults.Current.QuotaExhausted)
        {
            return false;
        }

        var limit = options.Quotas.TryGetValue(api, out var configured) ? configured : int.MaxValue;
        var key = api + "|" + period;
        lock (state.Gate)
        {
            var used = state.QuotaCounters.GetValueOrDefault(key);
            if (used >= limit)
            {
                return false;
            }

            state.QuotaCounters[key] = used + 1;
            return true;
        }
    }
}
