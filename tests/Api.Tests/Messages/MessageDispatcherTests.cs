using Microsoft.EntityFrameworkCore;
using WechatLoyalty.Domain.Messaging;

namespace WechatLoyalty.Api.Tests.Messages;

/// <summary>The channel choice and the send pipeline against the simulator's WeChat (real HTTP, real errcodes).</summary>
public class MessageDispatcherTests(MessageDispatcherTests.Factory factory) : IClassFixture<MessageDispatcherTests.Factory>, IAsyncLifetime
{
    public sealed class Factory : MessagesFactory;

    public Task InitializeAsync() => factory.RegisterTemplatesAsync();

    public Task DisposeAsync() => Task.CompletedTask;

    [Fact]
    public async Task Follower_GetsTemplateMessage_AndJobFinishSettlesTheRecord()
    {
        var (user, memberId, _) = await factory.MemberAsync(follows: true);

        var outcome = await factory.SendAsync(memberId, MessageKinds.PointsEarned, "earn:test-1");

        Assert.Equal(DeliveryOutcomeStatus.Sent, outcome.Status);
        Assert.Equal(DeliveryChannel.OfficialAccount, outcome.Channel);
        var shown = Assert.Single(await factory.SimMessagesAsync(user));
        Assert.Equal("official_account", shown.GetProperty("channel").GetString());
        Assert.Equal(0, shown.GetProperty("errcode").GetInt32());
        Assert.Equal("pages/member/index?from=msg", shown.GetProperty("page").GetString());
        Assert.Contains(shown.GetProperty("fields").EnumerateArray(), f => f.GetProperty("value").GetString() == "120");
        var delivery = await factory.DeliveryAsync(outcome.DeliveryId);
        Assert.Equal(MessagesFactory.OaTemplate, delivery.TemplateId);
        Assert.Equal(shown.GetProperty("msgid").GetInt64(), delivery.Msgid);
        // The simulator reports the job's end (TEMPLATESENDJOBFINISH, safe mode) to our callback.
        await MessagesFactory.EventuallyAsync(async () => (await factory.DeliveryAsync(outcome.DeliveryId)).Status == DeliveryStatus.Delivered, "TEMPLATESENDJOBFINISH");
    }

    [Fact]
    public async Task SendMany_SendsEachOnItsChannelOnce_SpendsOneCredit_AndARepeatSendsNothing()
    {
        var follower = await factory.MemberAsync(follows: true);
        var consenting = await factory.MemberAsync(consent: true);
        var neither = await factory.MemberAsync();
        var deleted = await factory.MemberAsync(follows: true);
        await factory.WithDbAsync(db => db.Members.Where(m => m.Id == deleted.MemberId).ExecuteUpdateAsync(s => s.SetProperty(m => m.DeletedAt, DateTime.UtcNow)));
        var values = new Dictionary<string, string> { ["points"] = "120", ["date"] = "2026-12-31" };
        var batch = new MessageBatch(MessageKinds.PointsEarned, "earn:batch-1",
            [new(follower.MemberId, values), new(consenting.MemberId, values), new(neither.MemberId, values), new(deleted.MemberId, values)], Parallelism: 4);

        var first = await factory.WithAsync<MessageDispatcher, IReadOnlyDictionary<long, DeliveryOutcome>>(d => d.SendManyAsync(batch, default));
        var again = await factory.WithAsync<MessageDispatcher, IReadOnlyDictionary<long, DeliveryOutcome>>(d => d.SendManyAsync(batch, default));

        Assert.Equal((DeliveryOutcomeStatus.Sent, DeliveryChannel.OfficialAccount), (first[follower.MemberId].Status, first[follower.MemberId].Channel));
        Assert.Equal((DeliveryOutcomeStatus.Sent, DeliveryChannel.MiniProgram), (first[consenting.MemberId].Status, first[consenting.MemberId].Channel));
        Assert.Equal(DeliveryOutcomeStatus.Undeliverable, first[neither.MemberId].Status);
        Assert.Equal("not an OA follower; no subscription consent left", first[neither.MemberId].Reason);
        Assert.Equal("member unknown or deleted", first[deleted.MemberId].Reason);
        Assert.Empty(await factory.SimMessagesAsync(deleted.User));
        Assert.All(again.Values, o => Assert.Equal(DeliveryOutcomeStatus.Skipped, o.Status));
        Assert.Equal(first[follower.MemberId].DeliveryId, again[follower.MemberId].DeliveryId);
        Assert.Equal(0, await factory.CreditsAsync(consenting.MemberId));
        Assert.Single(await factory.SimMessagesAsync(follower.User));
        Assert.Single(await factory.SimMessagesAsync(consenting.User));
        Assert.Empty(await factory.SimMessagesAsync(neither.User));
        var sent = await factory.DeliveryAsync(first[follower.MemberId].DeliveryId);
        Assert.Equal((1, MessagesFactory.OaTemplate), (sent.Attempts, sent.TemplateId));
        Assert.NotNull(sent.Msgid);
        Assert.Null(sent.Reason);
        await MessagesFactory.EventuallyAsync(async () => (await factory.DeliveryAsync(sent.Id)).Status == DeliveryStatus.Delivered, "TEMPLATESENDJOBFINISH");
    }

    [Fact]
    public async Task NonFollowerWithConsent_GetsSubscriptionMessage_AndTheCreditIsSpent()
    {
        var (user, memberId, _) = await factory.MemberAsync(consent: true);
        Assert.Equal(1, await factory.CreditsAsync(memberId));

        var outcome = await factory.SendAsync(memberId, MessageKinds.PointsEarned, "earn:test-2");

        Assert.Equal(DeliveryOutcomeStatus.Sent, outcome.Status);
        Assert.Equal(DeliveryChannel.MiniProgram, outcome.Channel);
        Assert.Equal(0, await factory.CreditsAsync(memberId));
        var shown = Assert.Single(await factory.SimMessagesAsync(user));
        Assert.Equal("mini_program", shown.GetProperty("channel").GetString());
        Assert.Equal(0, shown.GetProperty("errcode").GetInt32());

        // The one consent is used up: the next message has no channel.
        var next = await factory.SendAsync(memberId, MessageKinds.PointsEarned, "earn:test-3");
        Assert.Equal(DeliveryOutcomeStatus.Undeliverable, next.Status);
        Assert.Contains("no subscription consent left", next.Reason);
        Assert.Single(await factory.SimMessagesAsync(user));
    }

    [Fact]
    public async Task MemberWithNeither_IsRecordedUndeliverable_AndNothingIsSent()
    {
        var (user, memberId, _) = await factory.MemberAsync();

        var outcome = await factory.SendAsync(memberId, MessageKinds.Birthday, "birthday:2026");

        Assert.Equal(DeliveryOutcomeStatus.Undeliverable, outcome.Status);
        Assert.Equal(DeliveryChannel.None, outcome.Channel);
        var delivery = await factory.DeliveryAsync(outcome.DeliveryId);
        Assert.Equal(DeliveryStatus.Undeliverable, delivery.Status);
        Assert.Equal("not an OA follower; no subscription consent left", delivery.Reason);
        Assert.Empty(await factory.SimMessagesAsync(user));
    }

    [Fact]
    public async Task SameOccasionTwice_SendsOnce_AndReturnsTheFirstRecord()
    {
        var (user, memberId, _) = await factory.MemberAsync(follows: true);

        var first = await factory.SendAsync(memberId, MessageKinds.TierChanged, "tier-change:test");
        var again = await Task.WhenAll(Enumerable.Range(0, 3).Select(_ => factory.SendAsync(memberId, MessageKinds.TierChanged, "tier-change:test")));

        Assert.Equal(DeliveryOutcomeStatus.Sent, first.Status);
        Assert.All(again, o => Assert.Equal((first.DeliveryId, DeliveryOutcomeStatus.Skipped), (o.DeliveryId, o.Status)));
        Assert.Single(await factory.SimMessagesAsync(user));
        Assert.Single(await factory.DeliveriesAsync(memberId));
    }

    [Fact]
    public async Task NotFollowerAtWechat_43004_UpdatesChannelState_AndFallsBackToConsent()
    {
        var (user, memberId, _) = await factory.MemberAsync(consent: true);
        // We believe the member follows (an OA identity we think is following); WeChat knows better.
        await factory.WithDbAsync(async db =>
        {
            db.MemberIdentities.Add(new WechatLoyalty.Domain.Members.MemberIdentity
            {
                AppId = factory.Simulator.Options.OfficialAccount.AppId, OpenId = user.OaOpenId, UnionId = user.UnionId, MemberId = memberId,
                Follows = true, FollowChangedAt = DateTime.UtcNow.AddDays(-1), CreatedAt = DateTime.UtcNow.AddDays(-1),
            });
            await db.SaveChangesAsync();
        });

        var outcome = await factory.SendAsync(memberId, MessageKinds.PointsEarned, "earn:test-4");

        Assert.Equal(DeliveryOutcomeStatus.Sent, outcome.Status);
        Assert.Equal(DeliveryChannel.MiniProgram, outcome.Channel);
        var shown = await factory.SimMessagesAsync(user);
        Assert.Contains(shown, m => m.GetProperty("errcode").GetInt32() == 43004);
        Assert.Contains(shown, m => m.GetProperty("channel").GetString() == "mini_program" && m.GetProperty("errcode").GetInt32() == 0);
        Assert.False(await factory.WithDbAsync(db => db.MemberIdentities.Where(i => i.OpenId == user.OaOpenId).Select(i => i.Follows == true).SingleAsync()));
        var state = await factory.WithDbAsync(db => db.MemberChannelStates.AsNoTracking().SingleAsync(s => s.MemberId == memberId));
        Assert.NotNull(state.OaNotFollowerAt);
    }

    [Fact]
    public async Task RefusedAtWechat_43101_FailsTheSend_AndClearsOurCount()
    {
        var (user, memberId, _) = await factory.MemberAsync();
        // Our count says one consent; WeChat has none (e.g. the result was posted twice).
        await factory.WithDbAsync(db => db.Database.ExecuteSqlInterpolatedAsync($"""
            INSERT INTO message_subscription_credits (member_id, template_id, credits, accepted, rejected, banned, last_decision, last_decision_at, updated_at)
            VALUES ({memberId}, {MessagesFactory.MpTemplate}, 1, 1, 0, 0, 'Accept', UTC_TIMESTAMP(), UTC_TIMESTAMP())
            """));

        var outcome = await factory.SendAsync(memberId, MessageKinds.PointsEarned, "earn:test-5");

        Assert.Equal(DeliveryOutcomeStatus.Failed, outcome.Status);
        Assert.Equal(43101, outcome.WechatErrCode);
        Assert.Equal(0, await factory.CreditsAsync(memberId));
        Assert.Equal(43101, Assert.Single(await factory.SimMessagesAsync(user)).GetProperty("errcode").GetInt32());
        var state = await factory.WithDbAsync(db => db.MemberChannelStates.AsNoTracking().SingleAsync(s => s.MemberId == memberId));
        Assert.NotNull(state.MpRefusedAt);
    }

    [Fact]
    public async Task UnknownKind_IsRejected_AndRecordsNothing()
    {
        var (_, memberId, _) = await factory.MemberAsync();

        await Assert.ThrowsAsync<WechatLoyalty.Domain.Common.DomainException>(() => factory.SendAsync(memberId, "Spam", "x"));

        Assert.Empty(await factory.DeliveriesAsync(memberId));
    }
}
