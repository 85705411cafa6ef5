using Microsoft.EntityFrameworkCore;
using WechatLoyalty.Api.Tests.Infrastructure;
using WechatLoyalty.Domain.Common;
using WechatLoyalty.Domain.Messaging;
using WechatLoyalty.Domain.Points;
using WechatLoyalty.Domain.Tiers;

namespace WechatLoyalty.Api.Tests.Messages;

/// <summary>Birthday, expiring-points and tier-notice runs: what they send, and that re-runs send nothing twice.</summary>
public class MessageJobsTests(MessageJobsTests.Factory factory) : IClassFixture<MessageJobsTests.Factory>, IAsyncLifetime
{
    public sealed class Factory : MessagesFactory;

    public Task InitializeAsync() => factory.RegisterTemplatesAsync();

    public Task DisposeAsync() => Task.CompletedTask;

    [Fact]
    public async Task Birthday_GreetsAndGivesTheGiftOncePerYear_AcrossReRuns()
    {
        var gold = await MemberAsync("gold", 6, 15);
        var ordinary = await MemberAsync("ordinary", 6, 15);
        var day = new DateOnly(2027, 6, 15);

        await RunBirthdaysAsync(day);
        await RunBirthdaysAsync(day);
        // Even a later run in the same year (a changed birthday, a manual re-run) does not repeat it.
        await RunBirthdaysAsync(new DateOnly(2027, 6, 15));

        var goldDeliveries = await factory.DeliveriesAsync(gold);
        Assert.Equal(["Birthday:birthday:2027", "BirthdayGift:birthday-gift:2027"], goldDeliveries.Select(d => $"{d.Kind}:{d.OccasionKey}").Order());
        var gift = Assert.Single(await LotsAsync(gold));
        Assert.Equal((PointSource.Birthday, 200L), (gift.Source, gift.Amount));
        Assert.Equal(200, (await factory.WithDbAsync(db => db.Members.SingleAsync(m => m.Id == gold))).PointsBalance);
        // A tier without the birthday-gift benefit: a greeting only.
        Assert.Equal(["Birthday:birthday:2027"], (await factory.DeliveriesAsync(ordinary)).Select(d => $"{d.Kind}:{d.OccasionKey}"));
        Assert.Empty(await LotsAsync(ordinary));

        await RunBirthdaysAsync(new DateOnly(2028, 6, 15));

        Assert.Equal(4, (await factory.DeliveriesAsync(gold)).Count);
        Assert.Equal(2, (await LotsAsync(gold)).Count);
    }

    [Fact]
    public async Task Feb29Birthday_IsCelebratedOnFeb28InCommonYears_AndOnFeb29InLeapYears()
    {
        var leapling = await MemberAsync("ordinary", 2, 29);
        var feb28 = await MemberAsync("ordinary", 2, 28);

        await RunBirthdaysAsync(new DateOnly(2027, 2, 28));
        Assert.Equal(["birthday:2027"], (await factory.DeliveriesAsync(leapling)).Select(d => d.OccasionKey));
        Assert.Equal(["birthday:2027"], (await factory.DeliveriesAsync(feb28)).Select(d => d.OccasionKey));

        // 2028 is a leap year: Feb 28 is only the Feb 28 birthdays' day, Feb 29 the leapling's.
        await RunBirthdaysAsync(new DateOnly(2028, 2, 28));
        Assert.Single(await factory.DeliveriesAsync(leapling));
        await RunBirthdaysAsync(new DateOnly(2028, 2, 29));
        Assert.Equal(["birthday:2027", "birthday:2028"], (await factory.DeliveriesAsync(leapling)).Select(d => d.OccasionKey));
        Assert.Equal(["birthday:2027", "birthday:2028"], (await factory.DeliveriesAsync(feb28)).Select(d => d.OccasionKey));
    }

    [Fact]
    public async Task ExpiryReminders_AreSentAt30And7Days_ExactlyOnce()
    {
        var (user, memberId, _) = await factory.MemberAsync(follows: true);
        var clock = await factory.WithAsync<ProgrammeClock, ProgrammeClock>(Task.FromResult);
        var today = clock.Today;
        var expiry = today.AddDays(40);
        await CreditAsync(memberId, 300, clock.EndOfDayUtc(expiry));
        await CreditAsync(memberId, 200, clock.EndOfDayUtc(expiry));
        await CreditAsync(memberId, 999, clock.EndOfDayUtc(expiry.AddDays(1)));

        foreach (var day in Enumerable.Range(0, 40).Select(d => today.AddDays(d)))
        {
            await RunRemindersAsync(day);
            if (day == expiry.AddDays(-30) || day == expiry.AddDays(-7)) await RunRemindersAsync(day);
        }

        var reminders = (await factory.DeliveriesAsync(memberId)).Where(d => d.OccasionKey.StartsWith($"points-expiring:{expiry:yyyy-MM-dd}")).ToList();
        Assert.Equal([$"points-expiring:{expiry:yyyy-MM-dd}:30d", $"points-expiring:{expiry:yyyy-MM-dd}:7d"], reminders.Select(r => r.OccasionKey));
        Assert.All(reminders, r => Assert.Equal(DeliveryChannel.OfficialAccount, r.Channel));
        Assert.Contains("\"points\":\"500\"", reminders[0].ValuesJson);
        var shown = (await factory.SimMessagesAsync(user)).Where(m => m.GetProperty("fields").EnumerateArray().Any(f => f.GetProperty("value").GetString() == "500")).ToList();
        Assert.Equal(2, shown.Count);
    }

    [Fact]
    public async Task ExpiryReminders_MissedDays_AreCaughtUpWithinThreeDays_NamingTheDaysLeft()
    {
        var (_, memberId, _) = await factory.MemberAsync(follows: true);
        var clock = await factory.WithAsync<ProgrammeClock, ProgrammeClock>(Task.FromResult);
        var today = clock.Today;
        var soon = today.AddDays(40);
        var later = today.AddDays(50);
        await CreditAsync(memberId, 300, clock.EndOfDayUtc(soon));
        await CreditAsync(memberId, 400, clock.EndOfDayUtc(later));
        // The job is down on days 10–11 (soon's 30-day reminder), 20–23 (later's, longer than the catch-up) and
        // 33–34 (soon's 7-day reminder).
        int[] down = [10, 11, 20, 21, 22, 23, 33, 34];

        foreach (var d in Enumerable.Range(0, 46).Except(down))
            await RunRemindersAsync(today.AddDays(d));

        var reminders = (await factory.DeliveriesAsync(memberId)).Where(d => d.Kind == MessageKinds.PointsExpiring)
            .ToDictionary(d => d.OccasionKey, d => d.ValuesJson);
        Assert.Equal(
            new[] { ExpiryReminders.OccasionKey(soon, 30), ExpiryReminders.OccasionKey(soon, 7), ExpiryReminders.OccasionKey(later, 7) }.Order(),
            reminders.Keys.Order());
        Assert.Contains("\"days\":\"28\"", reminders[ExpiryReminders.OccasionKey(soon, 30)]); // sent on day 12
        Assert.Contains("\"days\":\"5\"", reminders[ExpiryReminders.OccasionKey(soon, 7)]); // sent on day 35
        Assert.Contains("\"days\":\"7\"", reminders[ExpiryReminders.OccasionKey(later, 7)]); // on time
    }

    [Fact]
    public async Task TierNotices_SendTheQueuedChanges_AndMarkThemProcessed_Once()
    {
        var (user, memberId, _) = await factory.MemberAsync(follows: true);
        var outboxId = await factory.WithDbAsync(async db =>
        {
            var row = new OutboxMessage
            {
                MemberId = memberId, Kind = OutboxKinds.TierChanged, PayloadJson = """{"from":"silver","to":"gold","reason":"Payment"}""",
                IdempotencyKey = TierUpgrades.MessageKey(900_000 + memberId), CreatedAt = DateTime.UtcNow,
            };
            db.MessageOutbox.Add(row);
            await db.SaveChangesAsync();
            return row.Id;
        });

        await factory.WithAsync<TierNotices, int>(t => t.RunAsync());
        await factory.WithAsync<TierNotices, int>(t => t.RunAsync());

        var delivery = Assert.Single(await factory.DeliveriesAsync(memberId), d => d.Kind == MessageKinds.TierChanged);
        Assert.Equal(TierUpgrades.MessageKey(900_000 + memberId), delivery.OccasionKey);
        Assert.Contains("金卡 Gold", delivery.ValuesJson);
        Assert.NotNull((await factory.WithDbAsync(db => db.MessageOutbox.AsNoTracking().SingleAsync(o => o.Id == outboxId))).ProcessedAt);
        Assert.Single(await factory.SimMessagesAsync(user));
    }

    private Task RunBirthdaysAsync(DateOnly day) => factory.WithAsync<BirthdayMessages, BirthdayRunResult>(b => b.RunAsync(day));

    private Task RunRemindersAsync(DateOnly day) => factory.WithAsync<ExpiryReminders, int>(r => r.RunAsync(day));

    private Task<LedgerResult> CreditAsync(long memberId, long points, DateTime expiresAt) =>
        factory.WithAsync<PointsLedger, LedgerResult>(l => l.CreditAsync(new PointsCredit(memberId, points, PointSource.Purchase,
            $"earn:tx:{Guid.NewGuid():N}", DateTime.UtcNow, expiresAt), default));

    private Task<List<PointLot>> LotsAsync(long memberId) =>
        factory.WithDbAsync(db => db.PointLots.AsNoTracking().Where(l => l.MemberId == memberId).ToListAsync());

    private Task<long> MemberAsync(string tier, int month, int day) => factory.WithDbAsync(async db =>
    {
        var member = TestData.Member(tier, DateTime.UtcNow.AddYears(-1));
        (member.BirthMonth, member.BirthDay) = (month, day);
        db.Members.Add(member);
        await db.SaveChangesAsync();
        return member.Id;
    });
}
