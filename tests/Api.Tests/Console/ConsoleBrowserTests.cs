using System.Net;
using System.Text;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using OpenQA.Selenium;
using WechatLoyalty.Api.Tests.Infrastructure;
using WechatLoyalty.Api.Tests.Payments;
using WechatLoyalty.Domain.Admin;
using WechatLoyalty.Domain.Admin.Imports;
using WechatLoyalty.Domain.Members;
using WechatLoyalty.Domain.Points;
using WechatLoyalty.Domain.Stores;

namespace WechatLoyalty.Api.Tests.Console;

/// <summary>The console in headless chromium: what each role sees and does, with screenshots of the main pages.</summary>
public class ConsoleBrowserTests(ConsoleBrowserFactory factory, Browser browser)
    : IClassFixture<ConsoleBrowserFactory>, IClassFixture<Browser>
{
    private string Url => factory.BaseUrl;

    [Fact]
    public async Task SignIn_ShowsEachRoleItsOwnMenu_AndClerksOnlyTheirDesk()
    {
        var store = await StoreAsync("R1");
        var expected = new Dictionary<AdminRole, string[]>
        {
            [AdminRole.Admin] = ["/console", "/console/members", "/console/campaigns", "/console/segments", "/console/templates", "/console/promotions", "/console/referrals", "/console/clerk", "/console/stores", "/console/programme", "/console/imports", "/console/audit", "/hangfire"],
            [AdminRole.Marketing] = ["/console", "/console/members", "/console/campaigns", "/console/segments", "/console/templates", "/console/promotions", "/console/referrals", "/console/programme"],
            [AdminRole.StoreManager] = ["/console", "/console/members", "/console/clerk", "/console/stores"],
            [AdminRole.Clerk] = ["/console/clerk"],
        };
        foreach (var (role, menu) in expected)
        {
            var user = await ConsoleAccounts.CreateAsync(factory, $"role-{role}".ToLowerInvariant(), role, role is AdminRole.StoreManager or AdminRole.Clerk ? store.Id : null);
            browser.SignIn(Url, user.UserName, ConsoleAccounts.Password);

            var links = browser.FindAll("nav.menu a").Select(a => new Uri(a.GetAttribute("href")!).AbsolutePath).ToArray();
            Assert.Equal(menu, links);
            Assert.Equal(role == AdminRole.Clerk ? "/console/clerk" : "/console", new Uri(browser.Driver.Url).AbsolutePath);
            browser.Screenshot($"signed-in-{role.ToString().ToLowerInvariant()}");
            if (role == AdminRole.Clerk)
            {
                browser.Go(Url + "/console/members");
                Assert.NotNull(browser.WaitFor("#forbidden"));
            }
            browser.Find("#sign-out").Click();
            browser.WaitFor("#sign-in");
        }
    }

    [Fact]
    public async Task SignIn_ShowsError_WhenPasswordWrong_AndRedirectsBackAfterSignIn()
    {
        var user = await ConsoleAccounts.CreateAsync(factory, "wrong-pw", AdminRole.Admin);
        browser.Driver.Manage().Cookies.DeleteAllCookies();
        browser.Go(Url + "/console/lang/zh-CN?returnUrl=/console/audit");
        Assert.Equal("/console/signin", new Uri(browser.Driver.Url).AbsolutePath);

        browser.Type("input[name=Password]", "not the password");
        browser.Type("input[name=UserName]", user.UserName);
        browser.Find("#sign-in").Click();
        Assert.Equal("用户名或密码错误。", browser.WaitFor("#signin-error").Text);

        browser.Type("input[name=Password]", ConsoleAccounts.Password);
        browser.Find("#sign-in").Click();
        browser.WaitFor("#audit-entries");
        Assert.Equal("/console/audit", new Uri(browser.Driver.Url).AbsolutePath);
    }

    [Fact]
    public async Task Dashboard_DrawsTheRealKpiPanels_WithDefinitionsOnHover_InBothLanguages_AndHoldsAtTabletWidth()
    {
        await ConsoleAccounts.CreateAsync(factory, "dash-admin", AdminRole.Admin);
        var today = DateOnly.FromDateTime(DateTime.UtcNow);
        var from = today.AddDays(-13);
        await factory.WithDbAsync(async db =>
        {
            // Members joining on several days of the range, so the growth chart has a line to draw.
            for (var d = 0; d < 12; d++)
            {
                var joined = DateTime.UtcNow.Date.AddDays(-d).AddHours(4);
                var m = TestData.Member("silver", joined, joined);
                m.JoinSource = d % 3 == 0 ? JoinSource.Referral : JoinSource.StoreQr;
                db.Members.Add(m);
            }
            await db.SaveChangesAsync();
            return 0;
        });
        browser.SignIn(Url, "dash-admin", ConsoleAccounts.Password);
        browser.Go(Url + $"/console?from={from:yyyy-MM-dd}&to={today:yyyy-MM-dd}&grain=day");

        browser.WaitUntil(() => browser.FindAll(".panel").Count > 2 && browser.FindAll(".panel[data-state=loading]").Count == 0,
            seconds: 60, what: "every KPI panel loaded");
        Assert.Empty(browser.FindAll(".panel[data-state=failed]").Select(p => p.GetAttribute("id")));
        Assert.True(browser.FindAll(".panel").Count >= 10, "the real KPI list has all its panels");
        foreach (var id in new[] { "kpi-member-growth", "kpi-member-growth-by-source" })
        {
            var canvas = browser.Find($"#{id} canvas");
            Assert.True(canvas.Size.Width > 100 && canvas.Size.Height > 100);
            // Drawn, not merely present: some pixels are not transparent.
            var painted = (long)browser.Driver.ExecuteScript(
                "const c = arguments[0]; const d = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;" +
                "let n = 0; for (let i = 3; i < d.length; i += 4) if (d[i] !== 0) n++; return n;", canvas)!;
            Assert.True(painted > 500, $"{id}: only {painted} painted pixels");
        }
        var title = browser.Find("#kpi-member-growth h2");
        Assert.Equal("会员增长", title.Text);
        Assert.StartsWith("新会员：在所选期间", title.GetAttribute("title"));
        var csv = new Uri(browser.Find("#kpi-member-growth a.csv").GetAttribute("href")!);
        Assert.Equal("/api/admin/kpis/member-growth.csv", csv.AbsolutePath);
        Assert.Contains($"from={from:yyyy-MM-dd}", csv.Query);
        browser.Screenshot("dashboard-zh");

        browser.Find("#lang-en").Click();
        browser.WaitUntil(() => browser.FindAll(".panel").Count > 2 && browser.FindAll(".panel[data-state=loading]").Count == 0, seconds: 60);
        Assert.Equal("Member growth", browser.Find("#kpi-member-growth h2").Text);
        Assert.Equal("Dashboard", browser.Find("main h1").Text);
        browser.Screenshot("dashboard-en");
        browser.Find("#lang-zh").Click();
        browser.WaitFor("#kpi-panels");

        // A tablet (iPad Air, portrait): the page reflows rather than scrolling sideways, and the charts still draw.
        browser.Driver.Manage().Window.Size = new System.Drawing.Size(820, 1180);
        try
        {
            browser.Go(Url + $"/console?from={from:yyyy-MM-dd}&to={today:yyyy-MM-dd}&grain=day");
            browser.WaitUntil(() => browser.FindAll(".panel").Count > 2 && browser.FindAll(".panel[data-state=loading]").Count == 0, seconds: 60);
            var overflow = (long)browser.Driver.ExecuteScript("return document.documentElement.scrollWidth - document.documentElement.clientWidth;")!;
            Assert.True(overflow <= 0, $"the dashboard scrolls sideways by {overflow}px at tablet width");
            Assert.True(browser.Find("#kpi-member-growth canvas").Size.Width > 200);
            browser.Screenshot("dashboard-tablet-820x1180");
        }
        finally
        {
            browser.Driver.Manage().Window.Size = new System.Drawing.Size(1366, 1000);
        }
    }

    [Fact]
    public async Task Members_FindByNicknameAndPhone_ThenAdjustPoints_ThroughLedgerAndAudit()
    {
        await ConsoleAccounts.CreateAsync(factory, "points-admin", AdminRole.Admin);
        var member = await MemberAsync("小明同学", "13912345678", storeId: null, points: 100);
        browser.SignIn(Url, "points-admin", ConsoleAccounts.Password);

        browser.Go(Url + "/console/members");
        browser.Type("#member-q", "139****5678");
        browser.Find("#member-search").Click();
        Assert.Contains("小明同学", browser.WaitFor("#member-results").Text);
        var firstResults = browser.Find("#member-results");
        browser.Type("#member-q", "小明");
        browser.Find("#member-search").Click();
        // The first search's table must be gone before the second one's is read (else a stale element, now and then).
        browser.WaitUntil(() =>
        {
            try { return !firstResults.Enabled; }
            catch (StaleElementReferenceException) { return true; }
        }, what: "the second search's page");
        browser.WaitFor("#member-results").FindElement(By.LinkText(member.MemberNo)).Click();

        browser.WaitFor("#adjust");
        browser.Type("#adjust-points", "250");
        browser.Type("#adjust-reason", "补录门店活动积分");
        browser.Screenshot("member-detail");
        browser.Find("#adjust-submit").Click();

        Assert.Contains("350", browser.WaitFor("#adjust-ok").Text);
        Assert.Equal("350", browser.Find("#member-points").Text);
        Assert.Contains("补录门店活动积分", browser.Find("#ledger").Text);
        var (entry, audit) = await factory.WithDbAsync(async db => (
            await db.PointEntries.AsNoTracking().SingleAsync(e => e.MemberId == member.Id && e.Actor == "points-admin"),
            await db.AuditLog.AsNoTracking().SingleAsync(a => a.Action == AuditActions.PointsAdjust && a.EntityId == member.Id.ToString())));
        Assert.Equal((250, 350, "points-admin"), (entry.Delta, entry.BalanceAfter, entry.Actor));
        Assert.Equal("points-admin", audit.Actor);
        Assert.Contains("\"pointsBalance\":100", audit.BeforeJson);
        Assert.Contains("\"pointsBalance\":350", audit.AfterJson);

        browser.Go(Url + "/console/audit?action=points.adjust");
        Assert.Contains("member:" + member.Id, browser.WaitFor("#audit-entries").Text);
        browser.Screenshot("audit");
    }

    [Fact]
    public async Task Import_WithOneBadRow_ImportsNothing_AndOffersTheErrorReport_ThenTheFixedFileImportsOnce()
    {
        await ConsoleAccounts.CreateAsync(factory, "import-admin", AdminRole.Admin);
        browser.SignIn(Url, "import-admin", ConsoleAccounts.Password);
        var good = "phone,name,birthday,tier,points,join_date\r\n13700000001,王一,1990-01-02,,500,2024-05-01\r\n13700000003,王三,,,0,\r\n";
        var bad = good + "1370000000X,王二,1991-02-30,,12,2024-05-01\r\n";

        Upload("members-bad.csv", bad);
        browser.WaitUntil(() => browser.Find("#import-state").GetAttribute("data-status") == "Rejected", 60, "import rejected");
        Assert.Equal("1", browser.Find("#import-errors").Text);
        var reportLink = browser.WaitFor("#import-report-link");
        browser.Screenshot("import-rejected");
        var report = (string)browser.Driver.ExecuteAsyncScript(
            "const done = arguments[arguments.length - 1]; fetch(arguments[0]).then(r => r.text()).then(done);", reportLink.GetAttribute("href"))!;
        Assert.Contains("line,column,value,problem", report);
        Assert.Contains("4,phone,1370000000X,", report);
        Assert.Contains("4,birthday,1991-02-30,", report);
        Assert.Equal(0, await factory.WithDbAsync(db => db.Members.CountAsync(m => m.JoinSource == JoinSource.Imported)));

        Upload("members-good.csv", good);
        browser.WaitUntil(() => browser.Find("#import-state").GetAttribute("data-status") == "Completed", 60, "import completed");
        Assert.Equal("2", browser.Find("#import-imported").Text);
        browser.Screenshot("import-completed");
        var imported = await factory.WithDbAsync(db => db.Members.AsNoTracking().Where(m => m.JoinSource == JoinSource.Imported).OrderBy(m => m.PhoneMasked).ToListAsync());
        Assert.Equal(["137****0001", "137****0003"], imported.Select(m => m.PhoneMasked));
        Assert.Equal((500, "王一", 1990, new DateTime(2024, 4, 30, 16, 0, 0, DateTimeKind.Utc)),
            (imported[0].PointsBalance, imported[0].Nickname, imported[0].BirthYear, imported[0].JoinedAt));
        var opening = await factory.WithDbAsync(db => db.PointEntries.AsNoTracking().SingleAsync(e => e.MemberId == imported[0].Id));
        Assert.Equal((500, "Opening balance (import #2)"), (opening.Delta, opening.Reason));

        Upload("members-good-again.csv", good);
        Assert.NotNull(browser.WaitFor("#import-again"));
        Assert.Equal(2, await factory.WithDbAsync(db => db.Members.CountAsync(m => m.JoinSource == JoinSource.Imported)));
        Assert.Equal(2, await factory.WithDbAsync(db => db.MemberImports.CountAsync()));
    }

    [Fact]
    public async Task StoreManager_SeesOwnStoresMember_ButGets403ForAnotherStoresMember()
    {
        var own = await StoreAsync("M1");
        var other = await StoreAsync("M2");
        await ConsoleAccounts.CreateAsync(factory, "manager-m1", AdminRole.StoreManager, own.Id);
        var mine = await MemberAsync("本店会员", "13600000001", own.Id);
        var theirs = await MemberAsync("他店会员", "13600000002", other.Id);
        browser.SignIn(Url, "manager-m1", ConsoleAccounts.Password);

        browser.Go(Url + "/console/members?q=" + Uri.EscapeDataString("会员"));
        var results = browser.WaitFor("#member-results").Text;
        Assert.Contains("本店会员", results);
        Assert.DoesNotContain("他店会员", results);
        browser.Go($"{Url}/console/members/{mine.Id}");
        Assert.Equal("本店会员", browser.WaitFor("#profile").FindElement(By.XPath(".//dd[2]")).Text);
        Assert.Empty(browser.FindAll("#adjust"));

        browser.Go($"{Url}/console/members/{theirs.Id}");
        Assert.Contains("403", browser.WaitFor("#forbidden").Text);
        browser.Screenshot("manager-forbidden");

        // The same over plain HTTP: the status is a real 403, not a page that says so.
        var client = factory.CreateClient();
        var signIn = await client.PostAsync("/api/admin/session", new StringContent(
            $"{{\"userName\":\"manager-m1\",\"password\":\"{ConsoleAccounts.Password}\"}}", Encoding.UTF8, "application/json"));
        signIn.EnsureSuccessStatusCode();
        Assert.Equal(HttpStatusCode.Forbidden, (await client.GetAsync($"/console/members/{theirs.Id}")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync($"/console/members/{mine.Id}")).StatusCode);
    }

    [Fact]
    public async Task Clerk_LooksUpMemberByDynamicCode_AndRecordsTheInStorePurchase()
    {
        var store = await StoreAsync("C1");
        await ConsoleAccounts.CreateAsync(factory, "clerk-c1", AdminRole.Clerk, store.Id);
        var customer = await Shop.CustomerAsync(factory);
        var paid = await Shop.PayInStoreAsync(factory, customer.User, 12_345);
        await using var scope = factory.Services.CreateAsyncScope();
        var code = scope.ServiceProvider.GetRequiredService<DynamicMemberCode>().Issue(customer.MemberId!.Value).Code;
        browser.SignIn(Url, "clerk-c1", ConsoleAccounts.Password);

        browser.Type("#clerk-code", code);
        browser.Find("#clerk-lookup").Click();
        browser.WaitFor("#clerk-member");
        browser.Type("#clerk-tx", paid.TransactionId);
        browser.Find("#clerk-record").Click();

        Assert.Contains("123.45", browser.WaitFor("#clerk-ok").Text);
        browser.Screenshot("clerk");
        var payment = await factory.WithDbAsync(db => db.Payments.AsNoTracking().SingleAsync(p => p.TransactionId == paid.TransactionId));
        Assert.Equal((customer.MemberId, (long?)store.Id, 12_345L), (payment.MemberId, payment.StoreId, payment.TotalFen));
    }

    [Fact]
    public async Task StoresAndProgrammePages_ChangeThroughTheAuditedApiHandlers()
    {
        await ConsoleAccounts.CreateAsync(factory, "stores-admin", AdminRole.Admin);
        browser.SignIn(Url, "stores-admin", ConsoleAccounts.Password);

        browser.Go(Url + "/console/stores");
        var form = browser.WaitFor("form[action*=CreateStore]");
        form.FindElement(By.Name("code")).SendKeys("NEW01");
        form.FindElement(By.Name("name")).SendKeys("新店");
        form.FindElement(By.Name("city")).SendKeys("上海");
        form.FindElement(By.CssSelector("button")).Click();
        var card = browser.WaitFor("#store-NEW01");
        card.FindElement(By.Name("code")).SendKeys("U01");
        card.FindElement(By.CssSelector("input[name=name]")).SendKeys("店员甲");
        card.FindElement(By.CssSelector("form[action*=AddStaff] button")).Click();
        // The post reloads the page: wait for the new card, not the one that was there before the click.
        browser.WaitUntil(() => browser.Find("#store-NEW01").Text.Contains("店员甲"), what: "the new staff member on the store's card");
        Assert.Contains("staff=U01", browser.Find("#store-NEW01").FindElements(By.CssSelector("a[download]"))[1].GetAttribute("href"));
        browser.Screenshot("stores");

        browser.Go(Url + "/console/programme");
        browser.WaitFor("#new-version");
        browser.Find("select[name=Preset] option[value=mall]").Click();
        browser.Find("#save-version").Click();
        Assert.Contains("mall", browser.WaitFor("#rules-in-effect").Text);
        browser.Screenshot("programme");

        var actions = await factory.WithDbAsync(db => db.AuditLog.AsNoTracking().Where(a => a.Actor == "stores-admin").Select(a => a.Action).ToListAsync());
        Assert.Equal(new[] { AuditActions.ProgrammeVersionCreate, AuditActions.StaffCreate, AuditActions.StoreCreate }, actions.Order());
    }

    private void Upload(string fileName, string content)
    {
        var path = Path.Combine(Path.GetTempPath(), $"{Guid.NewGuid():N}-{fileName}");
        File.WriteAllText(path, content, new UTF8Encoding(false));
        try
        {
            browser.Go(Url + "/console/imports");
            browser.WaitFor("#import-upload");
            browser.Driver.FindElement(By.Id("import-file")).SendKeys(path);
            browser.Find("#import-upload").Click();
            browser.WaitFor("#import-status");
        }
        finally
        {
            File.Delete(path);
        }
    }

    private Task<Store> StoreAsync(string code) => factory.WithDbAsync(async db =>
    {
        var store = new Store { Code = code, Name = "门店 " + code, City = "上海", CreatedAt = DateTime.UtcNow };
        db.Stores.Add(store);
        await db.SaveChangesAsync();
        return store;
    });

    private Task<Member> MemberAsync(string nickname, string phone, long? storeId, long points = 0) => factory.WithDbAsync(async db =>
    {
        var member = TestData.Member("silver", DateTime.UtcNow.AddDays(-10));
        member.Nickname = nickname;
        member.PhoneMasked = PhoneNumber.Parse("86", phone).Masked;
        member.StoreId = storeId;
        db.Members.Add(member);
        await db.SaveChangesAsync();
        if (points > 0)
        {
            var ledger = new WechatLoyalty.Domain.Points.PointsCredit(member.Id, points, PointSource.Manual, $"seed:{member.Id}", DateTime.UtcNow, DateTime.UtcNow.AddYears(1));
            await using var scope = factory.Services.CreateAsyncScope();
            await scope.ServiceProvider.GetRequiredService<PointsLedger>().CreditAsync(ledger, default);
        }
        return member;
    });
}
