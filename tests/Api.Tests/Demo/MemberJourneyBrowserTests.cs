using System.Drawing;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using OpenQA.Selenium;
using WechatLoyalty.Api.Tests.Console;
using WechatLoyalty.Api.Tests.Infrastructure;
using WechatLoyalty.Domain.Admin;
using WechatLoyalty.Domain.Members;
using WechatLoyalty.Domain.Messaging;
using WechatLoyalty.Domain.Referrals;
using WechatLoyalty.Domain.Stores;

namespace WechatLoyalty.Api.Tests.Demo;

/// <summary>
/// The member journey demo in headless chromium, phone-sized, against the real API and the simulator: join by a
/// store QR, pay, points arrive, a refund from the console's API takes them back, consent and a message in the
/// inbox, then a referral seen from both ends. Screenshots (demo-*.png) go with the console's.
/// </summary>
public class MemberJourneyBrowserTests(MemberJourneyBrowserTests.Factory factory, Browser browser)
    : IClassFixture<MemberJourneyBrowserTests.Factory>, IClassFixture<Browser>
{
    public sealed class Factory : LoyaltyApiFactory
    {
        protected override IEnumerable<KeyValuePair<string, string?>> Settings => [new("Demo:MemberJourney:Enabled", "true")];
    }

    private const string MpTemplate = "MP_TPL_demo_campaign";

    private string Demo => factory.BaseUrl + "/demo/";

    [Fact]
    public async Task WholeJourney_JoinPayRefundConsentMessageAndReferral_FromBothEnds()
    {
        try
        {
            await JourneyAsync();
        }
        catch
        {
            Shot("failure"); // what the page showed when a step failed
            throw;
        }
    }

    private async Task JourneyAsync()
    {
        var store = await factory.WithDbAsync(async db =>
        {
            var s = new Store { Code = "DJ01", Name = "静安嘉里店", City = "上海", CreatedAt = DateTime.UtcNow };
            db.Stores.Add(s);
            await db.SaveChangesAsync();
            return s;
        });
        await RegisterTemplatesAsync();
        browser.Driver.Manage().Window.Size = new Size(414, 896);

        // Scan the store's QR: the URL it encodes opens the join page with scene s=DJ01; terms before joining.
        browser.Go(factory.BaseUrl + "/demo?scene=s%3DDJ01");
        Assert.Contains("门店扫码", browser.WaitFor("#join-source").Text);
        Assert.False(browser.Find("#join").Enabled);
        Tap("#agree");
        Shot("01-join-terms");
        Tap("#join");
        browser.WaitFor("#member-card");
        var unionA = Script<string>("return localStorage.getItem('wl-demo-current')");
        var a = await MemberAsync(unionA);
        Assert.Equal((JoinSource.StoreQr, store.Id), (a.JoinSource, a.StoreId));
        browser.WaitUntil(() => Text("#code-text")?.Length > 0, what: "the dynamic member code");
        Assert.True(Script<bool>("return document.getElementById('code-qr').naturalWidth > 0"), "the member code is drawn as a QR");
        Shot("02-member-card");
        var startPoints = CardPoints();

        // Pay ¥300 through the simulator's cashier; the notification lands and the points arrive.
        browser.Go(Demo + "#/pay");
        browser.WaitFor("#amount");
        browser.Type("#amount", "300.00");
        Tap("#pay");
        browser.WaitFor("#points-arrived", 30);
        var outTradeNo = Text("#order-no");
        Shot("03-paid");
        browser.Go(Demo + "#/card");
        browser.WaitFor("#member-card");
        browser.WaitUntil(() => CardPoints() > startPoints, what: "the purchase's points on the card");
        var paidPoints = CardPoints();
        Assert.Equal(await LedgerTotalAsync(a.Id), paidPoints);

        // Refund from the brand's side (the console's API); the card, polling, shows the points going back.
        var admin = await ConsoleAccounts.SignedInClientAsync(factory, AdminRole.Admin);
        var refund = await admin.PostAsJsonAsync($"/api/admin/orders/{outTradeNo}/refunds", new { amountFen = 30_000, reason = "演示：整单退款" });
        Assert.True(refund.IsSuccessStatusCode, await refund.Content.ReadAsStringAsync());
        browser.WaitUntil(() => CardPoints() < paidPoints, seconds: 40, what: "the refund's points reversed on the card without a reload");
        Assert.Equal(startPoints, CardPoints());
        Shot("04-refunded");

        // Consent: the subscription popup (accept), one credit; then a campaign message arrives in the inbox.
        browser.Go(Demo + "#/messages");
        Tap($"[data-t='{MpTemplate}'][data-d=accept]");
        browser.WaitUntil(() => Text($"[data-template='{MpTemplate}'] .credits") == "1", what: "one consent credit");
        Assert.NotNull(browser.WaitFor("#inbox-empty"));
        Shot("05-consent");
        var marketing = await ConsoleAccounts.SignedInClientAsync(factory, AdminRole.Marketing);
        var sent = await marketing.PostAsJsonAsync($"/api/admin/message-templates/{MessageKinds.Campaign}/test-send", new { memberNo = a.MemberNo });
        Assert.Equal("Sent", (await sent.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("status").GetString());
        browser.WaitFor(".msg[data-channel=mini_program]", 15);
        var message = Text(".msg[data-channel=mini_program]");
        Assert.Contains("服务通知", message);
        Assert.Contains("活动", message);
        browser.WaitUntil(() => Text($"[data-template='{MpTemplate}'] .credits") == "0", what: "the consent used by the send");
        Shot("06-inbox");

        // Referral: A shares the card into the group chat (the poster is drawn from the simulator's wxacode).
        browser.Go(Demo + "#/referral");
        Tap("#share");
        browser.WaitFor(".bubble");
        browser.WaitUntil(() => Script<bool>("const p = document.getElementById('poster'); return !!p && p.naturalWidth > 0"), what: "the referral poster");
        Shot("07-shared-to-group");

        // B: a new WeChat user, opens the card from the group, joins with the code, pays.
        Tap("#new-user");
        browser.WaitFor(".stores button");
        var unionB = Script<string>("return localStorage.getItem('wl-demo-current')");
        Assert.NotEqual(unionA, unionB);
        browser.Go(Demo + "#/referral");
        Tap(".bubble");
        Assert.Contains("好友邀请", browser.WaitFor("#join-source").Text);
        Tap("#agree");
        Tap("#join");
        browser.WaitFor("#member-card");
        var b = await MemberAsync(unionB);
        Assert.Equal((JoinSource.Referral, a.Id), (b.JoinSource, b.ReferrerId));
        Shot("08-friend-joined");
        browser.Go(Demo + "#/pay");
        browser.WaitFor("#amount");
        browser.Type("#amount", "99.00");
        Tap("#pay");
        browser.WaitFor("#points-arrived", 30);
        var open = await factory.WithDbAsync(db => db.ReferralCardOpens.AsNoTracking().SingleAsync(o => o.ReferrerMemberId == a.Id));
        Assert.False(string.IsNullOrEmpty(open.OpenGid)); // opened from the group: the share info decrypted

        // Back to A (the switcher): the friend, masked, with the reward pending; the release job then pays it.
        Script<object>($"const s = document.getElementById('user-switch'); s.value = '{unionA}'; s.dispatchEvent(new Event('change')); return null;");
        browser.Go(Demo + "#/referral");
        browser.WaitFor(".friend[data-status=RewardPending]", 30);
        var reward = await factory.WithDbAsync(db => db.Referrals.AsNoTracking().SingleAsync(r => r.RefereeMemberId == b.Id));
        Assert.Equal(reward.RewardPoints.ToString(), Text("#ref-pending"));
        Assert.True(reward.RewardPoints > 0);
        Script<object>("document.getElementById('friends').scrollIntoView(); return null;");
        Shot("09-reward-pending");
        Tap("#release");
        browser.WaitFor(".friend[data-status=RewardPaid]", 20);
        Assert.Equal(reward.RewardPoints.ToString(), Text("#ref-paid"));
        Assert.Equal(ReferralStatus.RewardPaid, (await factory.WithDbAsync(db => db.Referrals.AsNoTracking().SingleAsync(r => r.Id == reward.Id))).Status);
        Script<object>("document.getElementById('friends').scrollIntoView(); return null;");
        Shot("10-reward-paid");
        browser.Go(Demo + "#/card");
        browser.WaitUntil(() => CardPoints() == startPoints + reward.RewardPoints, what: "the reward on A's card");
        Shot("11-card-with-reward");
    }

    /// <summary>Available + pending on the card, as drawn.</summary>
    private long CardPoints()
    {
        var points = Text("#points");
        var pending = Text("#pending");
        return long.TryParse(points, out var p) && long.TryParse(pending, out var q) ? p + q : -1;
    }

    /// <summary>Clicks once shown, scrolled to the middle: the tab bar is fixed at the bottom of the phone.</summary>
    private void Tap(string css)
    {
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                var element = browser.WaitFor(css);
                browser.Driver.ExecuteScript("arguments[0].scrollIntoView({block: 'center'})", element);
                element.Click();
                return;
            }
            catch (StaleElementReferenceException) when (attempt < 3)
            {
                // Redrawn by a poll between finding and clicking: find it again.
            }
        }
    }

    /// <summary>An element's text read in one script call (null when absent): the page redraws lists while it polls,
    /// so a WebDriver element reference may go stale between finding and reading it.</summary>
    private string? Text(string css) =>
        (string?)browser.Driver.ExecuteScript("const e = document.querySelector(arguments[0]); return e ? e.textContent.trim() : null;", css);

    private T Script<T>(string js) => (T)browser.Driver.ExecuteScript(js)!;

    private void Shot(string name) => browser.Screenshot("demo-" + name);

    private Task<Member> MemberAsync(string unionId) =>
        factory.WithDbAsync(db => db.Members.AsNoTracking().SingleAsync(m => m.UnionId == unionId));

    private Task<long> LedgerTotalAsync(long memberId) =>
        factory.WithDbAsync(db => db.Members.Where(m => m.Id == memberId).Select(m => m.PointsBalance + m.PendingPoints).SingleAsync());

    /// <summary>The campaign kind on a mini-program template (no OA template), through the registry API, as marketing would.</summary>
    private async Task RegisterTemplatesAsync()
    {
        var marketing = await ConsoleAccounts.SignedInClientAsync(factory, AdminRole.Marketing);
        var values = MessageKinds.Values[MessageKinds.Campaign];
        var response = await marketing.PutAsJsonAsync($"/api/admin/message-templates/{MessageKinds.Campaign}", new
        {
            mpTemplateId = MpTemplate,
            mpFields = new Dictionary<string, string> { ["thing1"] = "{nickname}的消息", ["thing2"] = values.Count > 0 ? $"{{{values[0]}}}" : "{today}" },
            page = "pages/member/index?from=msg",
        });
        response.EnsureSuccessStatusCode();
    }
}
