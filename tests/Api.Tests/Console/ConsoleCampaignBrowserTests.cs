using System.Text;
using Microsoft.EntityFrameworkCore;
using OpenQA.Selenium;
using WechatLoyalty.Api.Tests.Infrastructure;
using WechatLoyalty.Domain.Admin;
using WechatLoyalty.Domain.Campaigns;

namespace WechatLoyalty.Api.Tests.Console;

/// <summary>Marketing's console pages in headless chromium: segments, campaigns, templates, promotions, referrals.</summary>
public class ConsoleCampaignBrowserTests(ConsoleBrowserFactory factory, Browser browser)
    : IClassFixture<ConsoleBrowserFactory>, IClassFixture<Browser>
{
    private string Url => factory.BaseUrl;

    [Fact]
    public async Task Marketing_BuildsASegment_PreviewsItsSize_ComposesAndSchedulesACampaign_ThenSeesItListedWithResults()
    {
        await ConsoleAccounts.CreateAsync(factory, "mkt-campaigns", AdminRole.Marketing);
        // Three members who joined in January 2020: an audience no other test's members fall into.
        await factory.WithDbAsync(async db =>
        {
            for (var i = 0; i < 3; i++)
            {
                var joined = new DateTime(2020, 1, 10 + i, 6, 0, 0, DateTimeKind.Utc);
                db.Members.Add(TestData.Member("silver", joined, joined));
            }
            await db.SaveChangesAsync();
            return 0;
        });
        browser.SignIn(Url, "mkt-campaigns", ConsoleAccounts.Password);

        browser.Go(Url + "/console/segments/edit");
        browser.Type("#s-name", "2020年1月入会");
        browser.Type("#s-definition", """{ "type": "joined", "from": "2020-01-01", "to": "2020-01-31" }""");
        browser.Find("#s-preview").Click();
        Assert.Equal("3", browser.WaitFor("#s-size-count").Text);
        browser.Screenshot("segment-preview");

        // A bad definition is refused with the parser's message, and nothing is saved.
        browser.Type("#s-definition", """{ "type": "joined", "since": "2020-01-01" }""");
        browser.Find("#s-save").Click();
        Assert.Contains("since", browser.WaitFor("#segment-error").Text);
        Assert.Equal(0, await factory.WithDbAsync(db => db.Segments.CountAsync(s => s.Name == "2020年1月入会")));

        browser.Type("#s-definition", """{ "type": "joined", "from": "2020-01-01", "to": "2020-01-31" }""");
        browser.Find("#s-save").Click();
        var segmentRow = browser.WaitFor("#segments").FindElements(By.CssSelector("tr[data-segment]")).Single(r => r.Text.Contains("2020年1月入会"));
        var segmentId = long.Parse(segmentRow.GetAttribute("data-segment")!);

        browser.Go(Url + $"/console/campaigns/compose?segment={segmentId}");
        browser.Type("#c-name", "春季会员回访");
        browser.Type("#c-template", "TPL_SPRING_2026");
        browser.Type("#c-reward", "50");
        browser.Type("#c-holdout", "10");
        browser.Find("#c-when-at").Click();
        // Programme time (Asia/Shanghai) tomorrow at 10:30, typed the way the datetime-local control takes it.
        var at = DateTime.UtcNow.AddHours(8).Date.AddDays(1).AddHours(10).AddMinutes(30);
        browser.Driver.ExecuteScript("arguments[0].value = arguments[1];", browser.Find("#c-at"), at.ToString("yyyy-MM-ddTHH:mm"));
        browser.Screenshot("campaign-compose");
        browser.Find("#c-submit").Click();

        Assert.Equal("Scheduled", browser.WaitFor("#campaign-state").GetAttribute("data-state"));
        Assert.Equal("春季会员回访", browser.Find("#campaign-name").Text);
        Assert.NotNull(browser.Find("#campaign-ok"));
        Assert.Equal(at.AddHours(-8).ToString("yyyy-MM-dd HH:mm"), browser.Find("#campaign-scheduled").Text);
        Assert.Contains("{name}", browser.Find("#campaign-fields").Text);
        Assert.NotEmpty(browser.FindAll("#do-cancel"));
        Assert.Empty(browser.FindAll("#do-pause"));
        Assert.Equal("0", browser.Find("#results-counts td").Text);
        browser.Screenshot("campaign-detail");
        var campaign = await factory.WithDbAsync(db => db.Campaigns.AsNoTracking().SingleAsync(c => c.Name == "春季会员回访"));
        Assert.Equal((segmentId, CampaignStatus.Scheduled, 50, 1000, "mkt-campaigns"),
            (campaign.SegmentId, campaign.Status, campaign.RewardPoints, campaign.HoldoutBasisPoints, campaign.CreatedBy));
        Assert.Equal("{name}，您好", CampaignFields.Deserialize(campaign.FieldsJson)["first"]);

        // Results as CSV: UTF-8 with a byte-order mark, one figure per line.
        var client = await ConsoleAccounts.SignedInClientAsync(factory, AdminRole.Marketing);
        var bytes = await client.GetByteArrayAsync($"/console/campaigns/{campaign.Id}?handler=csv");
        Assert.Equal(new byte[] { 0xEF, 0xBB, 0xBF }, bytes[..3]);
        var csv = Encoding.UTF8.GetString(bytes[3..]);
        Assert.StartsWith("figure,value\r\ntargeted,0\r\n", csv);
        Assert.Contains("holdout_conversion_rate_percent,", csv);

        browser.Go(Url + "/console/campaigns");
        var row = browser.WaitFor($"#campaigns tr[data-campaign='{campaign.Id}']");
        Assert.Equal("已排期", row.FindElement(By.CssSelector(".state")).Text);
        browser.Screenshot("campaign-list");
        row.FindElement(By.LinkText("春季会员回访")).Click();
        browser.WaitFor("#campaign-results");
        browser.Screenshot("campaign-results");

        // The segment is in use now: it offers no delete button.
        browser.Go(Url + "/console/segments");
        Assert.Empty(browser.WaitFor($"#segments tr[data-segment='{segmentId}']").FindElements(By.CssSelector("button.danger")));

        // Cancelled from its page: the buttons follow the state.
        browser.Go(Url + $"/console/campaigns/{campaign.Id}");
        browser.Find("#do-cancel").Click();
        browser.WaitUntil(() => browser.Find("#campaign-state").GetAttribute("data-state") == "Cancelled");
        Assert.Empty(browser.FindAll("#do-cancel"));
        Assert.Equal(CampaignStatus.Cancelled, (await factory.WithDbAsync(db => db.Campaigns.AsNoTracking().SingleAsync(c => c.Id == campaign.Id))).Status);
    }

    [Fact]
    public async Task Marketing_SavesACampaignTemplate_AndPreviewsItForAMember()
    {
        await ConsoleAccounts.CreateAsync(factory, "mkt-templates", AdminRole.Marketing);
        var member = await factory.WithDbAsync(async db =>
        {
            var m = TestData.Member("silver", DateTime.UtcNow.AddDays(-3));
            m.Nickname = "预览会员";
            db.Members.Add(m);
            await db.SaveChangesAsync();
            return m;
        });
        browser.SignIn(Url, "mkt-templates", ConsoleAccounts.Password);
        browser.Go(Url + "/console/templates");
        browser.WaitFor("#templates tr[data-kind='Campaign']").FindElement(By.LinkText("Campaign")).Click();

        browser.Type("#t-oa", "OA_TPL_CAMPAIGN_1");
        browser.Type("#t-oa-fields", "first={nickname}，您好\nremark=点击查看详情");
        browser.Type("#t-page", "pages/campaign/index");
        browser.Find("#t-save").Click();
        Assert.NotNull(browser.WaitFor("#template-ok"));
        var saved = await factory.WithDbAsync(db => db.MessageTemplates.AsNoTracking().SingleAsync(t => t.Kind == "Campaign"));
        Assert.Equal(("OA_TPL_CAMPAIGN_1", "pages/campaign/index", "mkt-templates"), (saved.OaTemplateId, saved.Page, saved.UpdatedBy));
        Assert.Contains("点击查看详情", saved.OaFieldsJson);

        browser.Type("#t-preview-member", member.MemberNo);
        browser.Find("#t-preview").Click();
        var preview = browser.WaitFor("#t-preview-result");
        Assert.False(string.IsNullOrWhiteSpace(browser.Find("#t-preview-channel").Text));
        Assert.Equal("OA_TPL_CAMPAIGN_1", browser.Find("#t-oa").GetAttribute("value"));
        browser.Screenshot("template-preview");

        browser.Go(Url + "/console/templates");
        Assert.Contains("OA_TPL_CAMPAIGN_1", browser.WaitFor("#templates tr[data-kind='Campaign']").Text);
        browser.Screenshot("templates");
    }

    [Fact]
    public async Task Marketing_CreatesAndCancelsAPromotion_AndOpensTheReferralReports()
    {
        await ConsoleAccounts.CreateAsync(factory, "mkt-promos", AdminRole.Marketing);
        browser.SignIn(Url, "mkt-promos", ConsoleAccounts.Password);
        browser.Go(Url + "/console/promotions");
        browser.Type("#p-name", "周末双倍积分");
        browser.Find("#p-create").Click();
        Assert.NotNull(browser.WaitFor("#promotion-ok"));
        var promotion = await factory.WithDbAsync(db => db.PointsPromotions.AsNoTracking().SingleAsync(p => p.Name == "周末双倍积分"));
        Assert.Equal((2m, "mkt-promos"), (promotion.Multiplier, promotion.CreatedBy));
        var row = browser.Find($"#promotions tr[data-promotion='{promotion.Id}']");
        Assert.Equal("进行中", row.FindElement(By.CssSelector(".state")).Text);
        browser.Screenshot("promotions");
        row.FindElement(By.CssSelector("button.danger")).Click();
        browser.WaitFor("#promotion-ok");
        Assert.Equal("已取消", browser.Find($"#promotions tr[data-promotion='{promotion.Id}'] .state").Text);
        Assert.NotNull((await factory.WithDbAsync(db => db.PointsPromotions.AsNoTracking().SingleAsync(p => p.Id == promotion.Id))).CancelledAt);

        browser.Go(Url + "/console/referrals?by=store");
        Assert.NotNull(browser.WaitFor("#leaderboard"));
        Assert.NotNull(browser.Find("#referral-conversion"));
        Assert.Equal("store", browser.Find("#conversion-by").GetAttribute("value"));
        browser.Screenshot("referrals");

        browser.Go(Url + "/console/referrals?from=2026-01-10&to=2025-01-01");
        Assert.NotNull(browser.WaitFor("#referrals-error"));
    }

    [Fact]
    public async Task Admin_RefundsPartOfAMembersPayment_FromTheMemberPage_Audited_AndSeesTheirMessagesAndReferrals()
    {
        await ConsoleAccounts.CreateAsync(factory, "refund-admin", AdminRole.Admin);
        var customer = await Payments.Shop.CustomerAsync(factory);
        var paid = await Payments.Shop.PayAsync(factory, await Payments.Shop.OrderAsync(customer.Client, 10_000));
        await Payments.Shop.EventuallyAsync(() => Payments.Shop.PaymentRecordedAsync(factory, paid.TransactionId));
        var memberId = customer.MemberId!.Value;
        await factory.WithDbAsync(async db =>
        {
            db.MessageDeliveries.Add(new Domain.Messaging.MessageDelivery
            {
                MemberId = memberId, Kind = "PointsEarned", OccasionKey = "console-test:1", Channel = Domain.Messaging.DeliveryChannel.OfficialAccount,
                TemplateId = "OA_TPL_EARNED", Status = Domain.Messaging.DeliveryStatus.Delivered, CreatedAt = DateTime.UtcNow, UpdatedAt = DateTime.UtcNow,
            });
            await db.SaveChangesAsync();
            return 0;
        });

        browser.SignIn(Url, "refund-admin", ConsoleAccounts.Password);
        browser.Go(Url + $"/console/members/{memberId}");
        Assert.Contains("OA_TPL_EARNED", browser.WaitFor("#deliveries").Text);
        Assert.NotNull(browser.Find("#referral-totals"));
        var form = browser.Find($".refund-form[data-order='{paid.OutTradeNo}']");
        form.FindElement(By.CssSelector(".refund-amount")).SendKeys("30.00");
        form.FindElement(By.CssSelector(".refund-reason")).SendKeys("顾客退回部分商品");
        browser.Screenshot("member-refund");
        form.FindElement(By.CssSelector(".refund-submit")).Click();

        Assert.Contains("30.00", browser.WaitFor("#adjust-ok").Text);
        var (refund, audit) = await factory.WithDbAsync(async db =>
        {
            var paymentId = await db.Payments.Where(p => p.TransactionId == paid.TransactionId).Select(p => p.Id).SingleAsync();
            return (await db.Refunds.AsNoTracking().SingleAsync(r => r.PaymentId == paymentId),
                await db.AuditLog.AsNoTracking().SingleAsync(a => a.Action == AuditActions.RefundRequest && a.EntityId == paymentId.ToString()));
        });
        Assert.Equal(3_000, refund.AmountFen);
        Assert.Equal("refund-admin", audit.Actor);

        // Marketing may read the member's messages but not refund.
        await ConsoleAccounts.CreateAsync(factory, "refund-mkt", AdminRole.Marketing);
        browser.SignIn(Url, "refund-mkt", ConsoleAccounts.Password);
        browser.Go(Url + $"/console/members/{memberId}");
        browser.WaitFor("#deliveries");
        Assert.Empty(browser.FindAll(".refund-form"));
    }

    [Fact]
    public async Task StoreManager_CannotOpenMarketingPages()
    {
        var store = await factory.WithDbAsync(async db =>
        {
            var s = new WechatLoyalty.Domain.Stores.Store { Code = "CMP1", Name = "门店 CMP1", City = "上海", CreatedAt = DateTime.UtcNow };
            db.Stores.Add(s);
            await db.SaveChangesAsync();
            return s;
        });
        await ConsoleAccounts.CreateAsync(factory, "mgr-campaigns", AdminRole.StoreManager, store.Id);
        browser.SignIn(Url, "mgr-campaigns", ConsoleAccounts.Password);
        foreach (var page in new[] { "/console/campaigns", "/console/segments", "/console/templates", "/console/promotions", "/console/referrals" })
        {
            browser.Go(Url + page);
            Assert.NotNull(browser.WaitFor("#forbidden"));
        }
    }
}
