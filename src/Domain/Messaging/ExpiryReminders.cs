using System.Globalization;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using WechatLoyalty.Domain.Common;
using WechatLoyalty.Domain.Data;
using WechatLoyalty.Domain.Programme;

namespace WechatLoyalty.Domain.Messaging;

/// <summary>
/// Expiring-points reminders: for each configured offset (default 30 and 7 days), members whose available points
/// expire on today + offset get one message naming the amount and the date. Keyed by expiry date and offset, so a
/// re-run (or a second job server) sends nothing twice, while the 30-day and the 7-day reminder are both sent.
/// A reminder whose day was missed (the job did not run) is caught up for <see cref="MessagingOptions.ExpiryReminderCatchUpDays"/>
/// days, naming the days actually left, unless the next shorter reminder is already due for that date.
/// </summary>
public sealed class ExpiryReminders(
    LoyaltyDbContext db,
    MessageDispatcher dispatcher,
    ProgrammeClock clock,
    IOptions<MessagingOptions> options,
    ILogger<ExpiryReminders> logger)
{
    public static string OccasionKey(DateOnly expiryDate, int offsetDays) =>
        string.Create(CultureInfo.InvariantCulture, $"points-expiring:{expiryDate:yyyy-MM-dd}:{offsetDays}d");

    public async Task<int> RunAsync(DateOnly? day = null, CancellationToken ct = default)
    {
        var today = day ?? clock.Today;
        var rules = await new ProgrammeRulesStore(db, clock).GetActiveAsync(options.Value.Preset, ct);
        var sent = 0;
        var offsets = rules.ExpiryReminderDays.Distinct().Order().ToList();
        for (var i = 0; i < offsets.Count; i++)
        {
            var offset = offsets[i];
            // Expiry dates this offset is due for today, oldest missed first; a date the next shorter offset
            // (or today itself) already reaches belongs to that reminder, not to a late one of this.
            var shorter = i > 0 ? offsets[i - 1] : 0;
            var catchUp = Math.Min(options.Value.ExpiryReminderCatchUpDays, offset - shorter - 1);
            for (var late = Math.Max(catchUp, 0); late >= 0; late--)
                sent += await RemindAsync(today, today.AddDays(offset - late), offset, ct);
        }
        logger.LogInformation("Expiry reminders for {Day}: {Count} member reminder(s) handled", today, sent);
        return sent;
    }

    private async Task<int> RemindAsync(DateOnly today, DateOnly expiry, int offset, CancellationToken ct)
    {
        var sent = 0;
        var from = clock.StartOfDayUtc(expiry);
        var to = clock.StartOfDayUtc(expiry.AddDays(1));
        var date = expiry.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
        var daysLeft = (expiry.DayNumber - today.DayNumber).ToString(CultureInfo.InvariantCulture);
        var key = OccasionKey(expiry, offset);
        long after = 0;
        while (true)
        {
            // Members already reminded for this date are left out here, not only by the dispatcher's unique
            // key: the catch-up days look at each date several times.
            var batch = await db.PointLots.AsNoTracking()
                .Where(l => l.MemberId > after && l.ExpiredAt == null && !l.IsPending && l.Remaining > 0 && l.ExpiresAt >= from && l.ExpiresAt < to)
                .Where(l => !db.MessageDeliveries.Any(d => d.MemberId == l.MemberId && d.Kind == MessageKinds.PointsExpiring && d.OccasionKey == key))
                .Join(db.Members.Where(m => m.DeletedAt == null), l => l.MemberId, m => m.Id, (l, m) => new { l.MemberId, l.Remaining, m.PointsBalance })
                .GroupBy(x => new { x.MemberId, x.PointsBalance })
                .Select(g => new { g.Key.MemberId, g.Key.PointsBalance, Points = g.Sum(x => x.Remaining) })
                .OrderBy(x => x.MemberId).Take(options.Value.BatchSize).ToListAsync(ct);
            if (batch.Count == 0) break;
            foreach (var member in batch)
            {
                await dispatcher.SendAsync(new MessageRequest(member.MemberId, MessageKinds.PointsExpiring, key,
                    new Dictionary<string, string>
                    {
                        ["points"] = member.Points.ToString(CultureInfo.InvariantCulture),
                        ["date"] = date,
                        ["days"] = daysLeft,
                        ["balance"] = member.PointsBalance.ToString(CultureInfo.InvariantCulture),
                    }), ct);
                sent++;
            }
            after = batch[^1].MemberId;
            db.ChangeTracker.Clear();
        }
        return sent;
    }
}
