using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using WechatLoyalty.Api.Tests.Infrastructure;
using WechatLoyalty.Domain.Admin;
using WechatLoyalty.Domain.Campaigns;

namespace WechatLoyalty.Api.Tests.Campaigns;

/// <summary>The fan-out on the real database: frozen audience, hold-out, rewards, crash and resume, pause, quiet hours.</summary>
public class CampaignFanoutTests(CampaignsFactory factory) : IClassFixture<CampaignsFactory>, IAsyncLifetime
{
    private HttpClient _marketing = null!;

    public async Task InitializeAsync()
    {
        factory.Sender.Reset();
        // Every test starts at the next noon in Shanghai (the clock only moves forward).
        factory.AdvanceToShanghai(12);
        _marketing = await ConsoleAccounts.SignedInClientAsync(factory, AdminRole.Marketing);
    }

    public Task DisposeAsync() => Task.CompletedTask;

    [Fact]
    public async Task Run_SendsEachMemberOnce_HoldoutGetsNothing_AndRewardsOncePerRecipient()
    {
        var store = await factory.StoreAsync();
        var members = await factory.MembersAsync(store, 24, followEvery: 3);
        var campaignId = await factory.ScheduledCampaignAsync(_marketing, store, holdoutPercent: 25, rewardPoints: 50);

        var result = await factory.RunFanoutAsync(campaignId);

        Assert.Equal(FanoutState.Done, result.State);
        var recipients = await factory.RecipientsAsync(campaignId);
        Assert.Equal(members.Order(), recipients.Select(r => r.MemberId));
        var holdout = recipients.Where(r => r.IsHoldout).ToList();
        Assert.NotEmpty(holdout);
        Assert.All(holdout, r => Assert.Equal(RecipientStatus.HeldOut, r.Status));
        Assert.DoesNotContain(recipients, r => r.Status == RecipientStatus.Pending);

        var deliveries = await factory.DeliveriesAsync(campaignId);
        Assert.Equal(recipients.Where(r => !r.IsHoldout).Select(r => r.MemberId).Order(), deliveries.Select(d => d.MemberId).Order());
        Assert.DoesNotContain(deliveries, d => holdout.Any(h => h.MemberId == d.MemberId));
        // Followers got the OA message with their own values; the others had no channel.
        var sent = recipients.Where(r => r.Status == RecipientStatus.Sent).ToList();
        Assert.NotEmpty(sent);
        Assert.All(recipients.Where(r => r.Status == RecipientStatus.Undeliverable), r => Assert.Equal("no_channel", r.Reason));
        var firstDelivery = deliveries.Single(d => d.MemberId == sent[0].MemberId);
        var values = JsonSerializer.Deserialize<Dictionary<string, string>>(firstDelivery.ValuesJson)!;
        Assert.EndsWith("，双十二礼遇", values["first"]);
        Assert.StartsWith("会员", values["first"]);
        Assert.Equal("普通 Ordinary", values["keyword1"]);
        Assert.Equal("0", values["keyword2"]);

        var rewards = await factory.RewardEntriesAsync(campaignId);
        Assert.Equal(sent.Select(r => r.MemberId).Order(), rewards.Select(e => e.MemberId).Order());
        Assert.All(rewards, e => Assert.Equal(50, e.Delta));

        var campaign = await factory.CampaignAsync(campaignId);
        Assert.Equal(CampaignStatus.Done, campaign.Status);
        Assert.Equal(24, campaign.Targeted);
        Assert.Equal(holdout.Count, campaign.HeldOut);

        // A second run (a duplicate job) changes nothing.
        Assert.Equal(FanoutState.Done, (await factory.RunFanoutAsync(campaignId)).State);
        Assert.Equal(deliveries.Count, (await factory.DeliveriesAsync(campaignId)).Count);
        Assert.Equal(rewards.Count, (await factory.RewardEntriesAsync(campaignId)).Count);

        var report = await _marketing.GetFromJsonAsync<JsonElement>($"/api/admin/campaigns/{campaignId}/results");
        Assert.Equal(24, report.GetProperty("targeted").GetInt32());
        Assert.Equal(holdout.Count, report.GetProperty("heldOut").GetInt32());
        Assert.Equal(sent.Count, report.GetProperty("sent").GetInt32());
        Assert.Equal(24 - holdout.Count - sent.Count, report.GetProperty("notSentByReason").GetProperty("no_channel").GetInt32());
        Assert.Equal(holdout.Count, report.GetProperty("holdoutConversion").GetProperty("members").GetInt32());
    }

    [Fact]
    public async Task Run_ResumesAfterACrashMidBatch_WithExactlyOneDeliveryPerMember()
    {
        var store = await factory.StoreAsync();
        var members = await factory.MembersAsync(store, 23);
        var campaignId = await factory.ScheduledCampaignAsync(_marketing, store, holdoutPercent: 0, rewardPoints: 10);
        // Batches of 5: the crash comes on the 8th send, in the second batch, after WeChat took the message and
        // before the batch was recorded.
        factory.Sender.CrashAfter = 7;

        await Assert.ThrowsAsync<InvalidOperationException>(() => factory.RunFanoutAsync(campaignId));

        var afterCrash = await factory.RecipientsAsync(campaignId);
        Assert.Equal(5, afterCrash.Count(r => r.Status == RecipientStatus.Sent));
        Assert.Equal(18, afterCrash.Count(r => r.Status == RecipientStatus.Pending));
        Assert.Equal(8, (await factory.DeliveriesAsync(campaignId)).Count);

        factory.Sender.CrashAfter = null;
        var resumed = await factory.RunFanoutAsync(campaignId);

        Assert.Equal(FanoutState.Done, resumed.State);
        var recipients = await factory.RecipientsAsync(campaignId);
        Assert.All(recipients, r => Assert.Equal(RecipientStatus.Sent, r.Status));
        var deliveries = await factory.DeliveriesAsync(campaignId);
        Assert.Equal(members.Order(), deliveries.Select(d => d.MemberId).Order());
        var rewards = await factory.RewardEntriesAsync(campaignId);
        Assert.Equal(members.Order(), rewards.Select(e => e.MemberId).Order());
        // The three sent but unrecorded before the crash were asked again and answered from their first delivery.
        Assert.Equal(3, factory.Sender.Calls.Count(c => c.Value == 2));
        Assert.All(await factory.WithDbAsync(db => db.Members.AsNoTracking().Where(m => members.Contains(m.Id)).ToListAsync()),
            m => Assert.Equal(10, m.PointsBalance));
    }

    [Fact]
    public async Task Run_WaitsForALapsedLease_WhenARunDiedHoldingTheCampaign()
    {
        var store = await factory.StoreAsync();
        await factory.MembersAsync(store, 3);
        var campaignId = await factory.ScheduledCampaignAsync(_marketing, store, holdoutPercent: 0);
        var leaseUntil = factory.Now.AddMinutes(2);
        await factory.WithDbAsync(db => db.Campaigns.Where(c => c.Id == campaignId)
            .ExecuteUpdateAsync(s => s.SetProperty(c => c.LeaseOwner, "dead-worker").SetProperty(c => c.LeaseUntil, leaseUntil)));

        Assert.Equal(FanoutState.Busy, (await factory.RunFanoutAsync(campaignId)).State);
        Assert.Empty(await factory.DeliveriesAsync(campaignId));

        factory.Time.Advance(TimeSpan.FromMinutes(3));
        Assert.Equal(FanoutState.Done, (await factory.RunFanoutAsync(campaignId)).State);
        Assert.Equal(3, (await factory.DeliveriesAsync(campaignId)).Count);
    }

    [Fact]
    public async Task Pause_StopsAfterTheBatchInFlight_AndResumeSendsTheRestOnce()
    {
        var store = await factory.StoreAsync();
        var members = await factory.MembersAsync(store, 12);
        var campaignId = await factory.ScheduledCampaignAsync(_marketing, store, holdoutPercent: 0);
        factory.Sender.AfterSend = async sends =>
        {
            if (sends == 3) (await _marketing.PostAsync($"/api/admin/campaigns/{campaignId}/pause", null)).EnsureSuccessStatusCode();
        };

        var first = await factory.RunFanoutAsync(campaignId);

        Assert.Equal(FanoutState.Stopped, first.State);
        Assert.Equal(CampaignStatus.Paused, (await factory.CampaignAsync(campaignId)).Status);
        Assert.Equal(5, (await factory.DeliveriesAsync(campaignId)).Count);
        factory.Sender.AfterSend = null;
        Assert.Equal(FanoutState.Stopped, (await factory.RunFanoutAsync(campaignId)).State);
        Assert.Equal(5, (await factory.DeliveriesAsync(campaignId)).Count);
        Assert.Equal(HttpStatusCode.Conflict, (await _marketing.PostAsync($"/api/admin/campaigns/{campaignId}/pause", null)).StatusCode);

        Assert.Equal(HttpStatusCode.OK, (await _marketing.PostAsync($"/api/admin/campaigns/{campaignId}/resume", null)).StatusCode);
        Assert.Equal(FanoutState.Done, (await factory.RunFanoutAsync(campaignId)).State);

        Assert.Equal(members.Order(), (await factory.DeliveriesAsync(campaignId)).Select(d => d.MemberId).Order());
        Assert.All(factory.Sender.Calls.Values, calls => Assert.Equal(1, calls));
        Assert.Equal(HttpStatusCode.Conflict, (await _marketing.PostAsync($"/api/admin/campaigns/{campaignId}/resume", null)).StatusCode);
        Assert.Equal(HttpStatusCode.Conflict, (await _marketing.PostAsync($"/api/admin/campaigns/{campaignId}/cancel", null)).StatusCode);
    }

    [Fact]
    public async Task Run_WaitsUntilNine_DuringQuietHours_WithoutFreezingTheAudience()
    {
        var store = await factory.StoreAsync();
        await factory.MembersAsync(store, 4);
        factory.AdvanceToShanghai(22, 30);
        _marketing = await ConsoleAccounts.SignedInClientAsync(factory, AdminRole.Marketing);
        var campaignId = await factory.ScheduledCampaignAsync(_marketing, store, holdoutPercent: 0);

        var quiet = await factory.RunFanoutAsync(campaignId);

        var nine = new DateTimeOffset(factory.Time.GetUtcNow().ToOffset(TimeSpan.FromHours(8)).Date.AddDays(1).AddHours(9), TimeSpan.FromHours(8));
        Assert.Equal(FanoutState.Waiting, quiet.State);
        Assert.Equal(nine.UtcDateTime, quiet.NextRunAt);
        var waiting = await factory.CampaignAsync(campaignId);
        Assert.Equal(CampaignStatus.Scheduled, waiting.Status);
        Assert.Equal(nine.UtcDateTime, waiting.NextRunAt);
        Assert.Empty(await factory.RecipientsAsync(campaignId));

        factory.AdvanceToShanghai(8, 59);
        Assert.Equal(FanoutState.Waiting, (await factory.RunFanoutAsync(campaignId)).State);
        factory.AdvanceToShanghai(9, 0);
        Assert.Equal(FanoutState.Done, (await factory.RunFanoutAsync(campaignId)).State);
        Assert.Equal(4, (await factory.DeliveriesAsync(campaignId)).Count);
    }

    [Fact]
    public async Task Run_StopsMidCampaign_WhenQuietHoursBegin_AndFinishesNextMorning()
    {
        var store = await factory.StoreAsync();
        await factory.MembersAsync(store, 10);
        factory.AdvanceToShanghai(20, 59);
        _marketing = await ConsoleAccounts.SignedInClientAsync(factory, AdminRole.Marketing);
        var campaignId = await factory.ScheduledCampaignAsync(_marketing, store, holdoutPercent: 0);
        // The first batch goes at 20:59; by its end it is 21:00.
        factory.Sender.AfterSend = sends =>
        {
            if (sends == 5) factory.AdvanceToShanghai(21, 0);
            return Task.CompletedTask;
        };

        var evening = await factory.RunFanoutAsync(campaignId);

        Assert.Equal(FanoutState.Waiting, evening.State);
        Assert.Equal(5, (await factory.DeliveriesAsync(campaignId)).Count);
        Assert.Equal(CampaignStatus.Sending, (await factory.CampaignAsync(campaignId)).Status);
        factory.Sender.AfterSend = null;
        factory.AdvanceToShanghai(9, 0);
        Assert.Equal(FanoutState.Done, (await factory.RunFanoutAsync(campaignId)).State);
        Assert.Equal(10, (await factory.DeliveriesAsync(campaignId)).Count);
    }

    [Fact]
    public async Task Results_CountConversionInsideTheWindowOnly_AndTheHoldoutsSeparately()
    {
        var store = await factory.StoreAsync();
        await factory.MembersAsync(store, 30);
        var campaignId = await factory.ScheduledCampaignAsync(_marketing, store, holdoutPercent: 50);
        Assert.Equal(FanoutState.Done, (await factory.RunFanoutAsync(campaignId)).State);
        var recipients = await factory.RecipientsAsync(campaignId);
        var sent = recipients.Where(r => r.Status == RecipientStatus.Sent).ToList();
        var holdout = recipients.Where(r => r.IsHoldout).ToList();
        Assert.True(sent.Count >= 3 && holdout.Count >= 2, $"{sent.Count} sent, {holdout.Count} held out");
        var started = (await factory.CampaignAsync(campaignId)).StartedAt!.Value;

        await factory.WithDbAsync(async db =>
        {
            // Sent: one pays 2 days after the message (counts), one 8 days after (outside), one an hour before (outside).
            db.Payments.Add(TestData.Payment(sent[0].MemberId, 12_345, sent[0].SentAt!.Value.AddDays(2)));
            db.Payments.Add(TestData.Payment(sent[0].MemberId, 1_000, sent[0].SentAt!.Value.AddDays(6.9)));
            db.Payments.Add(TestData.Payment(sent[1].MemberId, 50_000, sent[1].SentAt!.Value.AddDays(8)));
            db.Payments.Add(TestData.Payment(sent[2].MemberId, 50_000, sent[2].SentAt!.Value.AddHours(-1)));
            // Hold-out: one pays 3 days after sending started (counts), one a fully refunded purchase (does not).
            db.Payments.Add(TestData.Payment(holdout[0].MemberId, 20_000, started.AddDays(3)));
            db.Payments.Add(TestData.Payment(holdout[1].MemberId, 20_000, started.AddDays(1), refundedFen: 20_000));
            await db.SaveChangesAsync();
        });

        var report = await _marketing.GetFromJsonAsync<JsonElement>($"/api/admin/campaigns/{campaignId}/results");

        var conversion = report.GetProperty("conversion");
        Assert.Equal(sent.Count, conversion.GetProperty("members").GetInt32());
        Assert.Equal(1, conversion.GetProperty("converted").GetInt32());
        Assert.Equal(13_345, conversion.GetProperty("spendFen").GetInt64());
        var control = report.GetProperty("holdoutConversion");
        Assert.Equal(holdout.Count, control.GetProperty("members").GetInt32());
        Assert.Equal(1, control.GetProperty("converted").GetInt32());
        Assert.Equal(20_000, control.GetProperty("spendFen").GetInt64());
        Assert.Equal(7, report.GetProperty("conversionDays").GetInt32());
        Assert.Equal(Math.Round(100m / sent.Count, 2) - Math.Round(100m / holdout.Count, 2), report.GetProperty("upliftPoints").GetDecimal());
    }
}
