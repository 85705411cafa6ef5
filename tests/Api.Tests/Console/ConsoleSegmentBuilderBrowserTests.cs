using System.Text.Json.Nodes;
using Microsoft.EntityFrameworkCore;
using OpenQA.Selenium;
using WechatLoyalty.Api.Tests.Infrastructure;
using WechatLoyalty.Domain.Admin;

namespace WechatLoyalty.Api.Tests.Console;

/// <summary>
/// Marketing builds a segment with the rules form (no JSON typed): two criteria, the audience previewed through the
/// page's own preview, saved, and reopened into the same form; the JSON the form wrote is what the API takes.
/// </summary>
public class ConsoleSegmentBuilderBrowserTests(ConsoleBrowserFactory factory, Browser browser)
    : IClassFixture<ConsoleBrowserFactory>, IClassFixture<Browser>
{
    private string Url => factory.BaseUrl;

    [Fact]
    public async Task Marketing_BuildsATwoRuleSegmentWithTheForm_PreviewsItsAudience_SavesAndReopensIt()
    {
        await ConsoleAccounts.CreateAsync(factory, "mkt-builder", AdminRole.Marketing);
        // Joined in March 2021 with 150, 300 and 50 points: two match "joined in March 2021 and at least 100 points".
        await factory.WithDbAsync(async db =>
        {
            foreach (var (day, points) in new[] { (3, 150L), (15, 300L), (28, 50L) })
            {
                var joined = new DateTime(2021, 3, day, 4, 0, 0, DateTimeKind.Utc);
                db.Members.Add(TestData.Member("silver", joined, joined, points));
            }
            await db.SaveChangesAsync();
        });
        browser.SignIn(Url, "mkt-builder", ConsoleAccounts.Password);

        browser.Go(Url + "/console/segments/edit");
        browser.WaitFor("#segment-builder .sb-row");
        Assert.Equal("人群规则", browser.Find("#segment-builder h2").Text);
        browser.Type("#s-name", "2021年3月入会·积分≥100");
        foreach (var _ in browser.FindAll("#sb-rules .sb-remove")) browser.Find("#sb-rules .sb-remove").Click();
        browser.Find("#sb-add-rule").Click();
        browser.Find("#sb-add-rule").Click();

        Choose(Row(0), ".sb-type", "joined");
        Assert.Equal("between", Selected(Row(0), ".sb-op"));
        SetValue(Row(0), "input[data-field=a]", "2021-03-01");
        SetValue(Row(0), "input[data-field=b]", "2021-03-31");
        Choose(Row(1), ".sb-type", "pointsBalance");
        Choose(Row(1), ".sb-op", "atLeast");
        Row(1).FindElement(By.CssSelector("input[data-field=a]")).SendKeys("100");
        Assert.Equal("and", browser.Find("#sb-match").GetAttribute("value"));

        var expected = JsonNode.Parse("""
            { "type": "and", "rules": [ { "type": "joined", "from": "2021-03-01", "to": "2021-03-31" }, { "type": "pointsBalance", "min": 100 } ] }
            """);
        Assert.True(JsonNode.DeepEquals(expected, JsonNode.Parse(browser.Find("#s-definition").GetAttribute("value")!)),
            browser.Find("#s-definition").GetAttribute("value"));
        browser.Screenshot("segment-builder-two-rules");

        browser.Find("#s-preview").Click();
        Assert.Equal("2", browser.WaitFor("#s-size-count").Text);
        // The preview re-renders the page: the form is rebuilt from the definition it posted.
        browser.WaitUntil(() => browser.FindAll("#sb-rules .sb-row").Count == 2, what: "the form rebuilt after the preview");
        browser.Screenshot("segment-builder-preview");

        browser.Find("#s-save").Click();
        var row = browser.WaitFor("#segments").FindElements(By.CssSelector("tr[data-segment]")).Single(r => r.Text.Contains("2021年3月入会"));
        var id = long.Parse(row.GetAttribute("data-segment")!);
        var (saved, audit) = await factory.WithDbAsync(async db => (
            await db.Segments.AsNoTracking().SingleAsync(s => s.Id == id),
            await db.AuditLog.AsNoTracking().SingleAsync(a => a.Action == AuditActions.SegmentCreate && a.EntityId == id.ToString())));
        Assert.True(JsonNode.DeepEquals(expected, JsonNode.Parse(saved.DefinitionJson)), saved.DefinitionJson);
        Assert.Equal("mkt-builder", audit.Actor);

        browser.Go(Url + $"/console/segments/edit/{id}");
        browser.WaitUntil(() => browser.FindAll("#sb-rules .sb-row").Count == 2, what: "the saved segment reopened in the form");
        Assert.Equal(["joined", "pointsBalance"], browser.FindAll("#sb-rules .sb-row .sb-type").Select(s => s.GetAttribute("value")));
        Assert.Equal("between", Selected(Row(0), ".sb-op"));
        Assert.Equal(("2021-03-01", "2021-03-31"), (Value(Row(0), "input[data-field=a]"), Value(Row(0), "input[data-field=b]")));
        Assert.Equal(("atLeast", "100"), (Selected(Row(1), ".sb-op"), Value(Row(1), "input[data-field=a]")));
        browser.Screenshot("segment-builder-reopened");

        // One level of groups: an OR group of its own rules inside the AND, written as a nested group.
        browser.Find("#sb-add-group").Click();
        var group = browser.WaitFor("#sb-rules .sb-group");
        Choose(group, ".sb-type", "followsOa");
        var written = JsonNode.Parse(browser.Find("#s-definition").GetAttribute("value")!)!;
        Assert.True(JsonNode.DeepEquals(JsonNode.Parse("""{ "type": "or", "rules": [ { "type": "followsOa", "value": true } ] }"""), written["rules"]![2]),
            written.ToJsonString());

        // English labels on the same form.
        browser.Go(Url + $"/console/lang/en?returnUrl=/console/segments/edit/{id}");
        browser.WaitFor("#segment-builder .sb-row");
        Assert.Equal("Audience rules", browser.Find("#segment-builder h2").Text);
        Assert.Equal("Joined", browser.Driver.ExecuteScript("const s = arguments[0]; return s.options[s.selectedIndex].text;", Row(0).FindElement(By.CssSelector(".sb-type"))));
        browser.Go(Url + "/console/lang/zh-CN?returnUrl=/console/segments");
    }

    private IWebElement Row(int index) => browser.FindAll("#sb-rules .sb-row").ElementAt(index);

    /// <summary>Picks an option as a person would: the select's value changes and it fires 'change'.</summary>
    private void Choose(IWebElement row, string css, string value)
    {
        var select = row.FindElement(By.CssSelector(css));
        select.Click();
        select.FindElement(By.CssSelector($"option[value='{value}']")).Click();
    }

    private static string? Selected(IWebElement row, string css) => row.FindElement(By.CssSelector(css)).GetAttribute("value");

    private static string? Value(IWebElement row, string css) => row.FindElement(By.CssSelector(css)).GetAttribute("value");

    /// <summary>Date inputs take typed text in the browser's locale; set the ISO value and fire the event the form listens to.</summary>
    private void SetValue(IWebElement row, string css, string value) => browser.Driver.ExecuteScript(
        "arguments[0].value = arguments[1]; arguments[0].dispatchEvent(new Event('input', { bubbles: true }));", row.FindElement(By.CssSelector(css)), value);
}
