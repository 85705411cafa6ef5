using System.Globalization;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using WechatLoyalty.Domain.Common;
using WechatLoyalty.Domain.Data;
using WechatLoyalty.Domain.Points;
using WechatLoyalty.Domain.Programme;

namespace WechatLoyalty.Domain.Messaging;

public sealed record BirthdayRunResult(DateOnly Day, int Members, int Gifts);

/// <summary>
/// The birthday run of one programme day: a greeting to every member celebrating today, and to members of a tier
/// with the birthday-gift benefit the gift points (then a gift message). Once per member and year, however often
/// the job runs: the greeting and gift messages are keyed by the year, the points by member and year in the ledger.
/// Feb 29 birthdays are celebrated on Feb 28 in common years (loyalty-rules.md §4).
/// </summary>
public sealed class BirthdayMessages(
    LoyaltyDbContext db,
    MessageDispatcher dispatcher,
    PointsLedger ledger,
    ProgrammeClock clock,
    IOptions<MessagingOptions> options,
    ILogger<BirthdayMessages> logger)
{
    /// <summary>The (month, day) birthdays celebrated on <paramref name="day"/>.</summary>
    public static IReadOnlyList<(int Month, int Day)> CelebratedOn(DateOnly day) =>
        day is { Month: 2, Day: 28 } && !DateTime.IsLeapYear(day.Year) ? [(2, 28), (2, 29)] : [(day.Month, day.Day)];

    public static string GiftLedgerKey(long memberId, int year) => $"birthday:member:{memberId}:{year}";

    public async Task<BirthdayRunResult> RunAsync(DateOnly? day = null, CancellationToken ct = default)
    {
        var today = day ?? clock.Today;
        var rules = await new ProgrammeRulesStore(db, clock).GetActiveAsync(options.Value.Preset, ct);
        var giftTiers = rules.Tiers.Where(t => t.BirthdayGift).Select(t => t.Code).ToHashSet(StringComparer.OrdinalIgnoreCase);
        var month = today.Month;
        var days = CelebratedOn(today).Select(d => d.Day).ToArray();
        var date = today.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
        int members = 0, gifts = 0;
        long after = 0;
        while (true)
        {
            var batch = await db.Members.AsNoTracking()
                .Where(m => m.Id > after && m.DeletedAt == null && m.BirthMonth == month && m.BirthDay != null && days.Contains(m.BirthDay.Value))
                .OrderBy(m => m.Id).Select(m => new { m.Id, m.TierCode }).Take(options.Value.BatchSize).ToListAsync(ct);
            if (batch.Count == 0) break;
            foreach (var member in batch)
            {
                await dispatcher.SendAsync(new MessageRequest(member.Id, MessageKinds.Birthday, $"birthday:{today.Year}",
                    new Dictionary<string, string> { ["date"] = date }), ct);
                if (giftTiers.Contains(member.TierCode) && rules.BirthdayGiftPoints > 0)
                {
                    await GiveGiftAsync(member.Id, today, date, rules, ct);
                    gifts++;
                }
                members++;
            }
            after = batch[^1].Id;
            db.ChangeTracker.Clear();
        }
        logger.LogInformation("Birthday run for {Day}: {Members} member(s), {Gifts} gift(s)", today, members, gifts);
        return new BirthdayRunResult(today, members, gifts);
    }

    private async Task GiveGiftAsync(long memberId, DateOnly today, string date, ProgrammeRules rules, CancellationToken ct)
    {
        var now = clock.UtcNow;
        await ledger.CreditAsync(new PointsCredit(memberId, rules.BirthdayGiftPoints, PointSource.Birthday, GiftLedgerKey(memberId, today.Year),
            now.UtcDateTime, PointsRules.ExpiresAtUtc(now, rules.PointsExpiryMonths, clock), Reason: $"Birthday gift {today.Year}"), ct);
        var points = rules.BirthdayGiftPoints.ToString(CultureInfo.InvariantCulture);
        await dispatcher.SendAsync(new MessageRequest(memberId, MessageKinds.BirthdayGift, $"birthday-gift:{today.Year}",
            new Dictionary<string, string> { ["date"] = date, ["points"] = points, ["gift"] = $"{points}积分" }), ct);
    }
}
