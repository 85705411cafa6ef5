using WechatLoyalty.Domain.Common;
using WechatLoyalty.Domain.Messaging;

namespace WechatLoyalty.Domain.Tests;

public class MessagingRulesTests
{
    [Theory]
    [InlineData(2027, 2, 28, "2-28,2-29")]
    [InlineData(2028, 2, 28, "2-28")]
    [InlineData(2028, 2, 29, "2-29")]
    [InlineData(2027, 3, 1, "3-1")]
    [InlineData(2027, 12, 31, "12-31")]
    public void CelebratedOn_MovesFeb29ToFeb28_OnlyInCommonYears(int year, int month, int day, string expected)
    {
        var days = BirthdayMessages.CelebratedOn(new DateOnly(year, month, day));

        Assert.Equal(expected, string.Join(",", days.Select(d => $"{d.Month}-{d.Day}")));
    }

    [Fact]
    public void Render_FillsPlaceholders_AndKeepsValuesInsideWechatLimits()
    {
        var fields = new Dictionary<string, string>
        {
            ["thing1"] = "{nickname}，您的{points}积分将于{date}到期",
            ["thing2"] = "{unknown}",
            ["thing3"] = "{nickname}",
        };
        var values = new Dictionary<string, string> { ["nickname"] = "小明\n", ["points"] = "500", ["date"] = "2026-12-31" };

        var data = TemplateFields.Render(fields, values);

        Assert.Equal("小明，您的500积分将于2026-12…", data["thing1"]);
        Assert.Equal(20, data["thing1"].Length);
        Assert.Equal("-", data["thing2"]);
        Assert.Equal("小明", data["thing3"]);
    }

    [Theory]
    [InlineData("Birthday", "{nickname}生日快乐", true)]
    [InlineData("Birthday", "{points}", false)]
    [InlineData("BirthdayGift", "{points}积分", true)]
    [InlineData("Campaign", "{anything}", true)]
    [InlineData("PointsExpiring", "line\nbreak", false)]
    public void Validate_AcceptsOnlyTheKindsValues(string kind, string pattern, bool valid)
    {
        var fields = new Dictionary<string, string> { ["thing1"] = pattern };

        var error = Record.Exception(() => TemplateFields.Validate(kind, "oa", fields));

        if (valid) Assert.Null(error);
        else Assert.Equal("messages.template_invalid", Assert.IsType<DomainException>(error).Code);
    }

    [Theory]
    [InlineData("pages/points/index?from=msg", true)]
    [InlineData("/pages/points/index", false)]
    [InlineData("pages/points index", false)]
    public void ValidatePage_RequiresAPublishedPagePath(string page, bool valid)
    {
        var error = Record.Exception(() => TemplateFields.ValidatePage(page));

        Assert.Equal(valid, error is null);
    }

    [Fact]
    public void ExpiryReminderOccasion_NamesTheDateAndTheOffset()
    {
        Assert.Equal("points-expiring:2026-12-31:7d", ExpiryReminders.OccasionKey(new DateOnly(2026, 12, 31), 7));
    }

    [Fact]
    public void ParseDecision_AcceptsWechatResults_AndRejectsAnythingElse()
    {
        Assert.Equal(SubscriptionDecision.Ban, SubscriptionConsents.ParseDecision("t", "ban"));
        Assert.Equal(SubscriptionDecision.Filter, SubscriptionConsents.ParseDecision("t", "filter"));
        Assert.Equal("subscriptions.decision", Assert.Throws<DomainException>(() => SubscriptionConsents.ParseDecision("t", "yes")).Code);
    }
}
