using System.Drawing;
using System.Text.Json;
using WechatLoyalty.Api.Tests.Infrastructure;
using WechatLoyalty.Domain.Admin;

namespace WechatLoyalty.Api.Tests.Console;

/// <summary>
/// The console on a tablet (768×1024 portrait, 1024×768 landscape) and a laptop, as an admin (the longest menu) in
/// both languages: the menu never wraps or pushes the page sideways. Element positions are measured in the page.
/// </summary>
public class ConsoleTabletBrowserTests(ConsoleBrowserFactory factory, Browser browser)
    : IClassFixture<ConsoleBrowserFactory>, IClassFixture<Browser>
{
    private static readonly Size Laptop = new(1366, 1000);

    private sealed record Box(double Left, double Top, double Right, double Bottom, double Height);

    private sealed record Layout(double ViewportWidth, double Overflow, bool Compact, bool Open, Box Header, Box Toggle, double MenuScroll, double MenuWidth,
        Box[] Links, double LineHeight);

    /// <summary>Geometry of the header, its menu and every link, and how far the document scrolls sideways.</summary>
    private const string Measure = """
        const box = e => { const r = e.getBoundingClientRect(); return { left: r.left, top: r.top, right: r.right, bottom: r.bottom, height: r.height }; };
        const header = document.querySelector('header.top'), menu = document.querySelector('nav.menu'), toggle = document.querySelector('#menu-toggle');
        const link = menu.querySelector('a');
        return JSON.stringify({
          viewportWidth: document.documentElement.clientWidth,
          overflow: document.documentElement.scrollWidth - document.documentElement.clientWidth,
          compact: header.classList.contains('compact'), open: header.classList.contains('open'),
          header: box(header), toggle: box(toggle), menuScroll: menu.scrollWidth, menuWidth: menu.clientWidth,
          links: [...menu.querySelectorAll('a')].filter(a => a.offsetParent !== null).map(box),
          lineHeight: parseFloat(getComputedStyle(link).lineHeight) || 22 });
        """;

    [Theory]
    [InlineData(768, 1024, "zh-CN")]
    [InlineData(1024, 768, "zh-CN")]
    [InlineData(768, 1024, "en")]
    [InlineData(1024, 768, "en")]
    public async Task Menu_FoldsWithoutWrapping_AndOpensIntoTheViewport_OnATablet(int width, int height, string language)
    {
        var user = await ConsoleAccounts.CreateAsync(factory, $"tablet-{width}-{language}".ToLowerInvariant(), AdminRole.Admin);
        browser.SignIn(factory.BaseUrl, user.UserName, ConsoleAccounts.Password);
        browser.Driver.Manage().Window.Size = new Size(width, height);
        try
        {
            browser.Go($"{factory.BaseUrl}/console/lang/{language}?returnUrl=/console/members");
            browser.WaitFor("#who");
            var closed = LayoutNow();

            // Folded: one header row (brand, menu button, session), nothing sideways.
            Assert.True(closed.Compact, $"the admin menu does not fit {width}px on one line, so it must fold: {Json(closed)}");
            Assert.True(closed.Overflow <= 0, $"the page scrolls sideways by {closed.Overflow}px");
            Assert.True(closed.Header.Height < 3 * closed.LineHeight, $"the header takes {closed.Header.Height}px: it wrapped");
            Assert.True(closed.Toggle.Right <= closed.ViewportWidth && closed.Toggle.Bottom <= closed.Header.Bottom);
            Assert.Empty(closed.Links);
            browser.Screenshot($"console-tablet-{width}x{height}-{language}-closed");

            browser.Find("#menu-toggle").Click();
            browser.WaitUntil(() => LayoutNow().Open, what: "the menu opens");
            var open = LayoutNow();

            // Open: every entry shown, each on one line, inside the viewport, none on top of another.
            Assert.Equal(13, open.Links.Length);
            Assert.Equal("true", browser.Find("#menu-toggle").GetAttribute("aria-expanded"));
            foreach (var link in open.Links)
            {
                Assert.True(link.Height < 2 * open.LineHeight, $"a menu entry wraps onto two lines: {Json(link)}");
                Assert.True(link.Left >= 0 && link.Right <= open.ViewportWidth, $"a menu entry leaves the viewport: {Json(link)}");
            }
            var overlapping = open.Links.SelectMany((a, i) => open.Links.Skip(i + 1).Where(b => a.Left < b.Right - 1 && b.Left < a.Right - 1 && a.Top < b.Bottom - 1 && b.Top < a.Bottom - 1)).Count();
            Assert.Equal(0, overlapping);
            Assert.True(open.Links.Max(l => l.Bottom) <= height, "the open menu runs below the screen");
            Assert.True(open.Overflow <= 0);
            browser.Screenshot($"console-tablet-{width}x{height}-{language}-open");

            // It works as a menu: an entry opens its page, where the menu is folded again.
            browser.FindAll("nav.menu a").Single(a => a.GetAttribute("href")!.EndsWith("/console/audit", StringComparison.Ordinal)).Click();
            browser.WaitFor("#audit-entries");
            Assert.False(LayoutNow().Open);
        }
        finally
        {
            browser.Driver.Manage().Window.Size = Laptop;
        }
    }

    [Fact]
    public async Task Menu_IsOneLineUnderTheHeader_OnALaptop_AndMainPagesDoNotScrollSideways_OnATablet()
    {
        var user = await ConsoleAccounts.CreateAsync(factory, "laptop-admin", AdminRole.Admin);
        browser.SignIn(factory.BaseUrl, user.UserName, ConsoleAccounts.Password);
        browser.Driver.Manage().Window.Size = Laptop;
        browser.Go(factory.BaseUrl + "/console/members");
        var laptop = LayoutNow();
        Assert.False(laptop.Compact, $"the Chinese admin menu fits 1366px: {Json(laptop)}");
        Assert.Single(laptop.Links.Select(l => Math.Round(l.Top)).Distinct());
        Assert.True(laptop.MenuScroll <= laptop.MenuWidth + 1);
        browser.Screenshot("console-laptop-1366-menu");

        try
        {
            foreach (var size in new[] { new Size(768, 1024), new Size(1024, 768) })
            {
                browser.Driver.Manage().Window.Size = size;
                foreach (var page in new[] { "/console/members", "/console/campaigns", "/console/campaigns/compose", "/console/segments", "/console/segments/edit",
                             "/console/templates", "/console/promotions", "/console/stores", "/console/programme", "/console/audit" })
                {
                    browser.Go(factory.BaseUrl + page);
                    browser.WaitFor("#who");
                    var layout = LayoutNow();
                    Assert.True(layout.Overflow <= 0, $"{page} scrolls sideways by {layout.Overflow}px at {size.Width}×{size.Height}");
                    Assert.True(layout.Compact && layout.Header.Height < 3 * layout.LineHeight, $"{page}: header {Json(layout.Header)}");
                }
                browser.Screenshot($"console-tablet-{size.Width}x{size.Height}-audit");
            }
        }
        finally
        {
            browser.Driver.Manage().Window.Size = Laptop;
        }
    }

    private Layout LayoutNow() =>
        JsonSerializer.Deserialize<Layout>((string)browser.Driver.ExecuteScript(Measure)!, JsonOptions)!;

    private static readonly JsonSerializerOptions JsonOptions = new(JsonSerializerDefaults.Web);

    private static string Json(object value) => JsonSerializer.Serialize(value);
}
