using WechatLoyalty.Domain.Campaigns.Segments;
using WechatLoyalty.Domain.Common;

namespace WechatLoyalty.Domain.Tests.Campaigns;

public class SegmentParserTests
{
    [Fact]
    public void Parse_BuildsTheTree_WhenDefinitionIsValid()
    {
        var node = SegmentParser.Parse("""
            { "type": "and", "rules": [
                { "type": "tier", "in": ["gold", "diamond", "gold"] },
                { "type": "or", "rules": [
                    { "type": "lifecycle", "in": ["dormant", "lost"] },
                    { "type": "followsOa", "value": false },
                    { "type": "pointsExpiring", "before": "2027-01-01" },
                    { "type": "netSpend", "minFen": 100000 } ] } ] }
            """);

        var and = Assert.IsType<SegmentGroup>(node);
        Assert.Equal(GroupOperator.And, and.Operator);
        Assert.Equal(new[] { "gold", "diamond" }, Assert.IsType<TierCriterion>(and.Rules[0]).In);
        var or = Assert.IsType<SegmentGroup>(and.Rules[1]);
        Assert.Equal(GroupOperator.Or, or.Operator);
        Assert.Equal(new[] { LifecycleStage.Dormant, LifecycleStage.Lost }, Assert.IsType<LifecycleCriterion>(or.Rules[0]).In);
        Assert.False(Assert.IsType<FollowsOaCriterion>(or.Rules[1]).Value);
        Assert.Equal(new PointsExpiringCriterion(new DateOnly(2027, 1, 1), 1), or.Rules[2]);
        Assert.Equal(new NetSpendCriterion(100000, null, 365), or.Rules[3]);
    }

    [Theory]
    [InlineData("""{ "type": "tier", "in": ["gold"], "tiers": ["x"] }""", "$.tiers")]
    [InlineData("""{ "type": "and", "rules": [ { "type": "store", "in": [1], "where": 1 } ] }""", "$.rules[0].where")]
    [InlineData("""{ "type": "tiers", "in": ["gold"] }""", "$.type")]
    [InlineData("""{ "type": "and", "rules": [] }""", "$.rules")]
    [InlineData("""{ "type": "birthdayMonth", "in": [13] }""", "$.in[0]")]
    [InlineData("""{ "type": "lifecycle", "in": ["sleeping"] }""", "$.in[0]")]
    [InlineData("""{ "type": "joined", "from": "2026-13-01" }""", "$.from")]
    [InlineData("""{ "type": "joined", "from": "2026-05-01", "to": "2026-04-01" }""", "'from' is after 'to'")]
    [InlineData("""{ "type": "netSpend", "days": 30 }""", "give 'minFen', 'maxFen' or both")]
    [InlineData("""{ "type": "lastPurchase", "withinDays": 30, "notWithinDays": 90 }""", "larger")]
    [InlineData("""{ "type": "followsOa", "value": "yes" }""", "'value'")]
    [InlineData("""{ "type": "pointsBalance", "min": 1.5 }""", "$.min")]
    [InlineData("""[ { "type": "tier", "in": ["gold"] } ]""", "must be an object")]
    [InlineData("""{ "type": "tier", "in": ["gold"] """, "not valid JSON")]
    public void Parse_Throws400NamingThePath_WhenDefinitionIsNotStrictlyValid(string json, string expected)
    {
        var ex = Assert.Throws<DomainException>(() => SegmentParser.Parse(json));

        Assert.Equal(DomainErrorKind.Invalid, ex.Kind);
        Assert.Contains(expected, ex.Message);
    }

    [Fact]
    public void Parse_Throws_WhenGroupsNestTooDeep()
    {
        var json = """{ "type": "tier", "in": ["gold"] }""";
        for (var i = 0; i < SegmentParser.MaxDepth; i++) json = $$"""{ "type": "and", "rules": [ {{json}} ] }""";

        Assert.Throws<DomainException>(() => SegmentParser.Parse(json));
    }
}
