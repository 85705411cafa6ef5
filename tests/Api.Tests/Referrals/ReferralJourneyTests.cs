using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using WechatLoyalty.Api.Tests.Infrastructure;
using WechatLoyalty.Api.Tests.Payments;
using WechatLoyalty.Domain.Admin;
using WechatLoyalty.Domain.Members;
using WechatLoyalty.Domain.Programme;
using WechatLoyalty.Domain.Referrals;
using static WechatLoyalty.Api.Tests.Referrals.ReferralSteps;

namespace WechatLoyalty.Api.Tests.Referrals;

/// <summary>Card → open from a group → join → pay → reward after the return window; a refund inside it reverses the reward.</summary>
public class ReferralJourneyTests(ReferralFactory factory) : IClassFixture<ReferralFactory>
{
    private static readonly ProgrammeRules Mall = ProgrammePresets.Mall;

    [Fact]
    public async Task Journey_PaysReferrerAfterReturnWindow_WhenFriendOpensCardInGroupJoinsAndPays()
    {
        var (referrer, code) = await ReferrerAsync(factory);
        var card = await referrer.Client.GetFromJsonAsync<JsonElement>("/api/members/me/referral-card");
        Assert.Equal($"/pages/join/index?ref={code}", card.GetProperty("path").GetString());
        Assert.Equal($"r={code}", card.GetProperty("scene").GetString());

        // The friend taps the card in a group chat; the mini-program posts the encrypted share info.
        var (friend, session) = await FriendAsync(factory);
        var share = await ShareInfoAsync(factory, friend, "family-group");
        var opened = await OpenAsync(session.Client, code, 1008, share);
        Assert.Equal(HttpStatusCode.OK, opened.StatusCode);
        var openBody = await opened.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal("Group", openBody.GetProperty("source").GetString());
        Assert.True(openBody.GetProperty("groupRecorded").GetBoolean());
        var open = await factory.WithDbAsync(db => db.ReferralCardOpens.AsNoTracking().SingleAsync(o => o.ReferrerMemberId == referrer.MemberId));
        Assert.Equal(share.OpenGid, open.OpenGid);
        Assert.Null(open.OpenerMemberId);

        // Joins: linked to the referrer, welcome points through the ledger.
        var friendId = await JoinAsync(factory, friend, session.Client, code);
        var member = await Shop.MemberAsync(factory, friendId);
        Assert.Equal((referrer.MemberId, JoinSource.Referral), (member.ReferrerId, member.JoinSource));
        Assert.Equal(Mall.ReferralWelcomePoints, member.PointsBalance);
        Assert.True(await HasEntryAsync(factory, ReferralKeys.Welcome(friendId)));
        var referral = (await ReferralOfAsync(factory, friendId))!;
        Assert.Equal((ReferralStatus.AwaitingPurchase, share.OpenGid, open.Id), (referral.Status, referral.OpenGid, referral.CardOpenId));

        // First paid purchase: the reward is pending for the return window.
        var paid = await Shop.PayAsync(factory, await Shop.OrderAsync(session.Client, 20_000));
        await Shop.EventuallyAsync(async () => (await ReferralOfAsync(factory, friendId))!.Status == ReferralStatus.RewardPending);
        referral = (await ReferralOfAsync(factory, friendId))!;
        var payment = await factory.WithDbAsync(db => db.Payments.AsNoTracking().SingleAsync(p => p.TransactionId == paid.TransactionId));
        Assert.Equal(payment.Id, referral.PaymentId);
        Assert.Equal(payment.PaidAt.AddDays(Mall.PendingDays), referral.RewardPendingUntil!.Value, TimeSpan.FromSeconds(1));
        var view = await referrer.Client.GetFromJsonAsync<JsonElement>("/api/members/me/referrals");
        Assert.Equal(Mall.ReferrerRewardPoints, view.GetProperty("pendingPoints").GetInt64());
        Assert.Equal(0, view.GetProperty("paidPoints").GetInt64());
        Assert.Equal("小**", view.GetProperty("friends")[0].GetProperty("name").GetString());

        // Inside the window the job pays nothing.
        await ReleaseAsync(factory);
        Assert.Equal(0, (await Shop.MemberAsync(factory, referrer.MemberId!.Value)).PointsBalance);

        await factory.AdvanceAsync(TimeSpan.FromDays(Mall.PendingDays) + TimeSpan.FromMinutes(1));
        await ReleaseAsync(factory);
        await ReleaseAsync(factory); // a re-run pays nothing twice

        referral = (await ReferralOfAsync(factory, friendId))!;
        Assert.Equal(ReferralStatus.RewardPaid, referral.Status);
        Assert.Equal(Mall.ReferrerRewardPoints, (await Shop.MemberAsync(factory, referrer.MemberId!.Value)).PointsBalance);
        Assert.Equal(1, await factory.WithDbAsync(db => db.PointEntries.CountAsync(e => e.IdempotencyKey == ReferralKeys.Reward(referral.Id))));
        // Access tokens last 15 minutes: a week later the mini-program has logged in again.
        var later = await WechatUsers.LoginAsync(factory, referrer.User);
        view = await later.Client.GetFromJsonAsync<JsonElement>("/api/members/me/referrals");
        Assert.Equal((0L, (long)Mall.ReferrerRewardPoints), (view.GetProperty("pendingPoints").GetInt64(), view.GetProperty("paidPoints").GetInt64()));

        // Marketing: the leaderboard and the group's funnel.
        var marketing = await ConsoleAccounts.SignedInClientAsync(factory, AdminRole.Marketing);
        var leaderboard = await marketing.GetFromJsonAsync<JsonElement>("/api/admin/referrals/leaderboard");
        var mine = leaderboard.EnumerateArray().Single(r => r.GetProperty("memberId").GetInt64() == referrer.MemberId);
        Assert.Equal((1, 1), (mine.GetProperty("joined").GetInt32(), mine.GetProperty("rewarded").GetInt32()));
        var groups = await marketing.GetFromJsonAsync<JsonElement>("/api/admin/referrals/conversion?by=group");
        var group = groups.EnumerateArray().Single(r => r.GetProperty("key").GetString() == share.OpenGid);
        Assert.Equal((1, 1, 1, 1), (group.GetProperty("opens").GetInt32(), group.GetProperty("joins").GetInt32(),
            group.GetProperty("firstPurchases").GetInt32(), group.GetProperty("rewarded").GetInt32()));
        var referrers = await marketing.GetFromJsonAsync<JsonElement>("/api/admin/referrals/conversion?by=referrer");
        Assert.Contains(referrers.EnumerateArray(), r => r.GetProperty("key").GetString() == referrer.MemberId.ToString() && r.GetProperty("joins").GetInt32() == 1);
    }

    [Fact]
    public async Task Refund_InsideReturnWindow_ReversesTheReward()
    {
        var (referrer, code) = await ReferrerAsync(factory);
        var (friend, session) = await FriendAsync(factory);
        Assert.Equal(HttpStatusCode.OK, (await OpenAsync(session.Client, code, 1007)).StatusCode);
        var friendId = await JoinAsync(factory, friend, session.Client, code);
        var paid = await Shop.PayAsync(factory, await Shop.OrderAsync(session.Client, 15_000));
        await Shop.EventuallyAsync(async () => (await ReferralOfAsync(factory, friendId))!.Status == ReferralStatus.RewardPending);

        await factory.AdvanceAsync(TimeSpan.FromDays(3));
        var admin = await Shop.AdminAsync(factory);
        var refund = await admin.PostAsJsonAsync($"/api/admin/orders/{paid.OutTradeNo}/refunds", new { amountFen = 15_000, reason = "returned within 7 days" });
        Assert.Equal(HttpStatusCode.Accepted, refund.StatusCode);
        await Shop.EventuallyAsync(async () => (await ReferralOfAsync(factory, friendId))!.Status == ReferralStatus.RewardReversed);

        await factory.AdvanceAsync(TimeSpan.FromDays(Mall.PendingDays));
        await ReleaseAsync(factory);

        var referral = (await ReferralOfAsync(factory, friendId))!;
        Assert.Equal((ReferralStatus.RewardReversed, RefusalReasons.PurchaseRefunded), (referral.Status, referral.RewardReason));
        Assert.False(await HasEntryAsync(factory, ReferralKeys.Reward(referral.Id)));
        Assert.Equal(0, (await Shop.MemberAsync(factory, referrer.MemberId!.Value)).PointsBalance);
        var later = await WechatUsers.LoginAsync(factory, referrer.User);
        var view = await later.Client.GetFromJsonAsync<JsonElement>("/api/members/me/referrals");
        Assert.Equal((0L, 0L), (view.GetProperty("pendingPoints").GetInt64(), view.GetProperty("paidPoints").GetInt64()));
        Assert.Equal("RewardReversed", view.GetProperty("friends")[0].GetProperty("status").GetString());
    }

    [Fact]
    public async Task Join_AttributesFromTheWxacodeScene_AndTheReferrerNeverChanges()
    {
        var (first, firstCode) = await ReferrerAsync(factory);
        var (_, secondCode) = await ReferrerAsync(factory);
        var (friend, session) = await FriendAsync(factory);
        Assert.Equal(HttpStatusCode.OK, (await OpenAsync(session.Client, firstCode, 1047)).StatusCode);

        var joined = await WechatUsers.RegisterAsync(session.Client, scene: $"r={firstCode}");
        Assert.Equal(HttpStatusCode.Created, joined.StatusCode);
        var again = await WechatUsers.RegisterAsync(session.Client, scene: $"r={secondCode}");
        Assert.Equal(HttpStatusCode.OK, again.StatusCode);

        var friendId = await factory.WithDbAsync(db => db.Members.Where(m => m.UnionId == friend.UnionId).Select(m => m.Id).SingleAsync());
        Assert.Equal(first.MemberId, (await Shop.MemberAsync(factory, friendId)).ReferrerId);
        Assert.Equal(1, await factory.WithDbAsync(db => db.Referrals.CountAsync(r => r.RefereeMemberId == friendId)));
        Assert.Equal(Mall.ReferralWelcomePoints, (await Shop.MemberAsync(factory, friendId)).PointsBalance);
    }
}
