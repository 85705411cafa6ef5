using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.EntityFrameworkCore;
using WechatLoyalty.Api.Tests.Infrastructure;
using WechatLoyalty.Api.Tests.Payments;
using WechatLoyalty.Domain.Admin;
using WechatLoyalty.Domain.Members;
using WechatLoyalty.Domain.Referrals;
using WechatLoyalty.Domain.Stores;
using static WechatLoyalty.Api.Tests.Referrals.ReferralSteps;

namespace WechatLoyalty.Api.Tests.Referrals;

/// <summary>Fraud rules over real HTTP: late, self-referral by payer, circular and over-cap referrals are refused with their reasons.</summary>
public class ReferralRefusalTests(ReferralFactory factory) : IClassFixture<ReferralFactory>
{
    [Fact]
    public async Task Join_IsNotAttributed_WhenTheCardWasOpenedMoreThanSevenDaysBefore()
    {
        var (referrer, code) = await ReferrerAsync(factory);
        var (friend, session) = await FriendAsync(factory);
        Assert.Equal(HttpStatusCode.OK, (await OpenAsync(session.Client, code, 1008)).StatusCode);

        await factory.AdvanceAsync(TimeSpan.FromDays(7) + TimeSpan.FromHours(1));
        var later = await WechatUsers.LoginAsync(factory, friend);
        var friendId = await JoinAsync(factory, friend, later.Client, code);

        var member = await Shop.MemberAsync(factory, friendId);
        Assert.Equal((null, JoinSource.Organic, 0L), (member.ReferrerId, member.JoinSource, member.PointsBalance));
        Assert.Null(await ReferralOfAsync(factory, friendId));
        var refusal = Assert.Single(await RefusalsAsync(factory, friendId));
        Assert.Equal((RefusalReasons.Late, ReferralStage.Attribution, referrer.MemberId), (refusal.Reason, refusal.Stage, refusal.ReferrerMemberId));
    }

    [Fact]
    public async Task Reward_IsRefused_WhenTheReferrerPaidTheFriendsFirstPurchase()
    {
        var (referrer, code) = await ReferrerAsync(factory);
        var (friend, session) = await FriendAsync(factory);
        var friendId = await JoinAsync(factory, friend, session.Client, code);

        // The referrer pays at the till with WeChat Pay; the clerk scans the friend's member code.
        var paid = await Shop.PayInStoreAsync(factory, referrer.User, 8_800);
        var memberCode = (await session.Client.GetFromJsonAsync<JsonElement>("/api/members/me/code")).GetProperty("code").GetString();
        var clerk = await ClerkAsync();
        var recorded = await clerk.PostAsJsonAsync("/api/pos/purchases", new { memberCode, transactionId = paid.TransactionId });
        Assert.Equal(HttpStatusCode.OK, recorded.StatusCode);

        var referral = (await ReferralOfAsync(factory, friendId))!;
        Assert.Equal((ReferralStatus.RewardRefused, RefusalReasons.SelfReferralPayer), (referral.Status, referral.RewardReason));
        var refusal = Assert.Single(await RefusalsAsync(factory, friendId));
        Assert.Equal((RefusalReasons.SelfReferralPayer, ReferralStage.Reward, referral.Id), (refusal.Reason, refusal.Stage, refusal.ReferralId));
    }

    [Fact]
    public async Task Join_IsRefusedAsCircular_WhenAFormerMemberComesBackThroughSomeoneTheyReferred()
    {
        var (_, topCode) = await ReferrerAsync(factory);
        var (a, aSession) = await FriendAsync(factory);
        var aId = await JoinAsync(factory, a, aSession.Client, topCode);
        var aCode = await factory.WithDbAsync(db => db.Members.Where(m => m.Id == aId).Select(m => m.ReferralCode).SingleAsync());
        var (b, bSession) = await FriendAsync(factory);
        var bId = await JoinAsync(factory, b, bSession.Client, aCode);
        var bCode = await factory.WithDbAsync(db => db.Members.Where(m => m.Id == bId).Select(m => m.ReferralCode).SingleAsync());

        // A deletes the account and joins again, with the same WeChat identity, through B's card.
        Assert.Equal(HttpStatusCode.NoContent, (await aSession.Client.DeleteAsync("/api/members/me")).StatusCode);
        var back = await WechatUsers.LoginAsync(factory, a);
        var comeback = await back.Client.PostAsJsonAsync("/api/members", new { termsVersion = "2026-01", privacyVersion = "2026-01", referralCode = bCode });
        Assert.Equal(HttpStatusCode.Created, comeback.StatusCode);

        var newId = await factory.WithDbAsync(db => db.Members.Where(m => m.UnionId == a.UnionId).Select(m => m.Id).SingleAsync());
        Assert.NotEqual(aId, newId);
        Assert.Null((await Shop.MemberAsync(factory, newId)).ReferrerId);
        var refusal = Assert.Single(await RefusalsAsync(factory, newId));
        Assert.Equal((RefusalReasons.Circular, bId), (refusal.Reason, refusal.ReferrerMemberId));
        Assert.False(await HasEntryAsync(factory, ReferralKeys.Welcome(newId)));
    }

    [Fact]
    public async Task Reward_IsRefused_WhenTheReferrerReachedTheMonthlyCap()
    {
        await SetMonthlyCapAsync(1);
        var (referrer, code) = await ReferrerAsync(factory);
        var friends = new List<(long Id, Customer Friend)>();
        for (var i = 0; i < 2; i++)
        {
            var (friend, session) = await FriendAsync(factory);
            friends.Add((await JoinAsync(factory, friend, session.Client, code), new Customer(friend, session, null)));
        }

        foreach (var (id, friend) in friends)
        {
            await Shop.PayAsync(factory, await Shop.OrderAsync(friend.Client, 5_000));
            await Shop.EventuallyAsync(async () => (await ReferralOfAsync(factory, id))!.Status != ReferralStatus.AwaitingPurchase);
        }

        Assert.Equal(ReferralStatus.RewardPending, (await ReferralOfAsync(factory, friends[0].Id))!.Status);
        var second = (await ReferralOfAsync(factory, friends[1].Id))!;
        Assert.Equal((ReferralStatus.RewardRefused, RefusalReasons.MonthlyCap), (second.Status, second.RewardReason));
        var refusal = Assert.Single(await RefusalsAsync(factory, friends[1].Id));
        Assert.Equal(referrer.MemberId, refusal.ReferrerMemberId);

        var marketing = await ConsoleAccounts.SignedInClientAsync(factory, AdminRole.Marketing);
        var listed = await marketing.GetFromJsonAsync<JsonElement>($"/api/admin/referrals/refusals?reason={RefusalReasons.MonthlyCap}");
        Assert.Contains(listed.EnumerateArray(), r => r.GetProperty("refereeMemberId").GetInt64() == friends[1].Id);
    }

    /// <summary>Saves the mall rules with another cap, in effect from (the programme's) today.</summary>
    private async Task SetMonthlyCapAsync(int cap)
    {
        var admin = await Shop.AdminAsync(factory);
        var presets = await admin.GetFromJsonAsync<JsonObject>("/api/admin/programme/presets");
        var rules = presets!["mall"]!.AsObject();
        rules["referrerMonthlyRewardCap"] = cap;
        var today = DateOnly.FromDateTime(TimeZoneInfo.ConvertTime(factory.Time.GetUtcNow(), TimeZoneInfo.FindSystemTimeZoneById("Asia/Shanghai")).DateTime);
        var saved = await admin.PostAsJsonAsync("/api/admin/programme/versions", new { rules, effectiveFrom = today.ToString("yyyy-MM-dd") });
        Assert.Equal(HttpStatusCode.Created, saved.StatusCode);
    }

    private async Task<HttpClient> ClerkAsync()
    {
        var code = "R" + Random.Shared.Next(10_000, 99_999);
        var store = new Store { Code = code, Name = "Referral test " + code, City = "Shanghai", CreatedAt = DateTime.UtcNow };
        await factory.WithDbAsync(async db => { db.Stores.Add(store); await db.SaveChangesAsync(); });
        return await ConsoleAccounts.SignedInClientAsync(factory, AdminRole.Clerk, store.Id);
    }
}
