using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using WechatLoyalty.Api.Tests.Infrastructure;
using WechatLoyalty.Domain.Admin;
using WechatLoyalty.Domain.Campaigns.Segments;
using WechatLoyalty.Domain.Members;
using WechatLoyalty.Domain.Points;

namespace WechatLoyalty.Api.Tests.Campaigns;

/// <summary>
/// Each criterion against a hand-computed audience over a small population (this class's own database), counted by
/// the database and by the preview endpoint. The clock is fixed at noon in Shanghai.
/// <code>
///        tier     store joined  bought (days ago, CNY)          birthday balance expiring      follows referred by
///  A     ordinary S1    400     10: 3000; 100: 500              March    500     500 in 20 d    yes
///  B     silver   S2    10      5: 100 (fully refunded)         Nov      0                      no
///  C     ordinary S1    150     never                           March    1500    1500 in 400 d  no
///  D     gold     —     300     120: 600; 130: 600               —        0                      no      C
///  E     ordinary S2    500     200: 50                          —        0                      yes     C
///  F     ordinary S1    400     (deleted)                       March    0                      —
/// </code>
/// </summary>
public class SegmentAudienceTests(SegmentAudienceTests.Factory factory) : IClassFixture<SegmentAudienceTests.Factory>
{
    public sealed class Factory : CampaignsFactory
    {
        private readonly SemaphoreSlim _once = new(1, 1);
        private Dictionary<string, long>? _ids;

        public async Task<Dictionary<string, long>> PopulationAsync()
        {
            await _once.WaitAsync();
            try
            {
                return _ids ??= await SeedAsync();
            }
            finally
            {
                _once.Release();
            }
        }

        private async Task<Dictionary<string, long>> SeedAsync()
        {
            var s1 = await StoreAsync();
            var s2 = await StoreAsync();
            return await WithDbAsync(async db =>
            {
                var now = Now;
                Member Make(string tier, long? store, int joinedDaysAgo, int? birthMonth, long balance, bool? follows)
                {
                    var m = TestData.Member(tier, now.AddDays(-joinedDaysAgo), pointsBalance: balance);
                    m.StoreId = store;
                    m.BirthMonth = birthMonth;
                    m.BirthDay = birthMonth is null ? null : 15;
                    if (follows is { } f) m.Identities.Add(new MemberIdentity { AppId = "wxoa", OpenId = $"o{Guid.NewGuid():N}", Follows = f, CreatedAt = now });
                    db.Members.Add(m);
                    return m;
                }
                var a = Make("ordinary", s1, 400, 3, 500, true);
                var b = Make("silver", s2, 10, 11, 0, false);
                var c = Make("ordinary", s1, 150, 3, 1500, null);
                var d = Make("gold", null, 300, null, 0, null);
                var e = Make("ordinary", s2, 500, null, 0, true);
                var f = Make("ordinary", s1, 400, 3, 0, null);
                f.DeletedAt = now.AddDays(-1);
                await db.SaveChangesAsync();
                d.ReferrerId = c.Id;
                e.ReferrerId = c.Id;
                db.Payments.AddRange(
                    TestData.Payment(a.Id, 300_000, now.AddDays(-10)), TestData.Payment(a.Id, 50_000, now.AddDays(-100)),
                    TestData.Payment(b.Id, 10_000, now.AddDays(-5), refundedFen: 10_000),
                    TestData.Payment(d.Id, 60_000, now.AddDays(-120)), TestData.Payment(d.Id, 60_000, now.AddDays(-130)),
                    TestData.Payment(e.Id, 5_000, now.AddDays(-200)),
                    TestData.Payment(f.Id, 90_000, now.AddDays(-3)));
                db.PointLots.AddRange(
                    new PointLot { MemberId = a.Id, Source = PointSource.Purchase, Amount = 500, Remaining = 500, EarnedAt = now.AddDays(-10), ExpiresAt = now.AddDays(20) },
                    new PointLot { MemberId = c.Id, Source = PointSource.Purchase, Amount = 1500, Remaining = 1500, EarnedAt = now.AddDays(-100), ExpiresAt = now.AddDays(400) });
                await db.SaveChangesAsync();
                return new Dictionary<string, long> { ["A"] = a.Id, ["B"] = b.Id, ["C"] = c.Id, ["D"] = d.Id, ["E"] = e.Id, ["F"] = f.Id, ["S1"] = s1, ["S2"] = s2 };
            });
        }
    }

    public static TheoryData<string, string> Cases => new()
    {
        { """{ "type": "tier", "in": ["ordinary"] }""", "A C E" },
        { """{ "type": "tier", "in": ["silver", "gold"] }""", "B D" },
        { """{ "type": "store", "in": [S1] }""", "A C" },
        { """{ "type": "joined", "from": "{today-250}", "to": "{today-100}" }""", "C" },
        { """{ "type": "joined", "from": "{today-20}" }""", "B" },
        { """{ "type": "lastPurchase", "withinDays": 30 }""", "A" },
        { """{ "type": "lastPurchase", "notWithinDays": 90 }""", "B C D E" },
        { """{ "type": "lastPurchase", "withinDays": 150, "notWithinDays": 90 }""", "D" },
        { """{ "type": "netSpend", "minFen": 100000 }""", "A D" },
        { """{ "type": "netSpend", "maxFen": 0 }""", "B C" },
        { """{ "type": "netSpend", "minFen": 1, "days": 30 }""", "A" },
        { """{ "type": "orderCount", "min": 2 }""", "A D" },
        { """{ "type": "orderCount", "max": 0 }""", "B C" },
        { """{ "type": "pointsBalance", "min": 1000 }""", "C" },
        { """{ "type": "pointsBalance", "max": 0 }""", "B D E" },
        { """{ "type": "pointsExpiring", "before": "{today+30}" }""", "A" },
        { """{ "type": "pointsExpiring", "before": "{today+30}", "min": 501 }""", "" },
        { """{ "type": "birthdayMonth", "in": [3, 4] }""", "A C" },
        { """{ "type": "lifecycle", "in": ["new"] }""", "B" },
        { """{ "type": "lifecycle", "in": ["active"] }""", "A" },
        { """{ "type": "lifecycle", "in": ["dormant"] }""", "C D" },
        { """{ "type": "lifecycle", "in": ["lost"] }""", "E" },
        { """{ "type": "followsOa", "value": true }""", "A E" },
        { """{ "type": "followsOa", "value": false }""", "B C D" },
        { """{ "type": "referrals", "min": 2 }""", "C" },
        { """{ "type": "referrals", "max": 0 }""", "A B D E" },
        { """{ "type": "and", "rules": [ { "type": "tier", "in": ["ordinary"] }, { "type": "or", "rules": [ { "type": "store", "in": [S2] }, { "type": "followsOa", "value": false } ] } ] }""", "C E" },
        { """{ "type": "or", "rules": [ { "type": "lifecycle", "in": ["new"] }, { "type": "and", "rules": [ { "type": "birthdayMonth", "in": [3] }, { "type": "netSpend", "minFen": 1 } ] } ] }""", "A B" },
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public async Task Audience_IsTheHandComputedMembers_ForEachCriterion(string template, string expected)
    {
        var ids = await factory.PopulationAsync();
        var json = Fill(template, ids);

        var audience = await factory.WithAsync<SegmentAudience, List<long>>(a => a.MemberIdsAsync(SegmentParser.Parse(json), 1000, default));
        using var marketing = await ConsoleAccounts.SignedInClientAsync(factory, AdminRole.Marketing);
        var preview = await marketing.PostAsJsonAsync("/api/admin/segments/preview", new { definition = JsonDocument.Parse(json).RootElement });

        var names = ids.Where(kv => kv.Key.Length == 1 && audience.Contains(kv.Value)).Select(kv => kv.Key).Order();
        Assert.Equal(expected, string.Join(' ', names));
        Assert.Equal(audience.Count, ids.Count(kv => kv.Key.Length == 1 && audience.Contains(kv.Value)));
        Assert.Equal(HttpStatusCode.OK, preview.StatusCode);
        Assert.Equal(audience.Count, (await preview.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("members").GetInt64());
    }

    [Theory]
    [InlineData("""{ "name": "x", "definition": { "type": "tier", "in": ["ordinary"], "tiers": ["gold"] } }""", "segment.invalid")]
    [InlineData("""{ "name": "x", "definition": { "type": "tier", "in": ["platinum"] } }""", "segment.unknown_tier")]
    [InlineData("""{ "name": "x", "definition": { "type": "store", "in": [987654] } }""", "segment.unknown_store")]
    [InlineData("""{ "name": "x", "definition": { "type": "tier", "in": ["gold"] }, "owner": "me" }""", "request.malformed")]
    [InlineData("""{ "name": "", "definition": { "type": "tier", "in": ["gold"] } }""", "segment.name")]
    public async Task Create_Is400AndSavesNothing_WhenDefinitionIsNotStrictlyValid(string body, string code)
    {
        using var marketing = await ConsoleAccounts.SignedInClientAsync(factory, AdminRole.Marketing);
        var before = await factory.WithDbAsync(db => Microsoft.EntityFrameworkCore.EntityFrameworkQueryableExtensions.CountAsync(db.Segments));

        var response = await marketing.PostAsync("/api/admin/segments", new StringContent(body, System.Text.Encoding.UTF8, "application/json"));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal(code, (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("code").GetString());
        Assert.Equal(before, await factory.WithDbAsync(db => Microsoft.EntityFrameworkCore.EntityFrameworkQueryableExtensions.CountAsync(db.Segments)));
    }

    [Fact]
    public async Task SavedSegment_IsReusable_AndItsSizeIsCounted()
    {
        var ids = await factory.PopulationAsync();
        using var marketing = await ConsoleAccounts.SignedInClientAsync(factory, AdminRole.Marketing);
        var id = await factory.SegmentAsync(marketing, new { type = "birthdayMonth", @in = new[] { 3 } });

        var size = await marketing.GetFromJsonAsync<JsonElement>($"/api/admin/segments/{id}/size");
        var saved = await marketing.GetFromJsonAsync<JsonElement>($"/api/admin/segments/{id}");

        Assert.Equal(2, size.GetProperty("members").GetInt64());
        Assert.Equal("birthdayMonth", saved.GetProperty("definition").GetProperty("type").GetString());
        Assert.True(ids.Count > 0);
        Assert.Equal(HttpStatusCode.Forbidden, (await (await ConsoleAccounts.SignedInClientAsync(factory, AdminRole.StoreManager, ids["S1"]))
            .GetAsync($"/api/admin/segments/{id}/size")).StatusCode);
    }

    private string Fill(string template, Dictionary<string, long> ids)
    {
        var today = DateOnly.FromDateTime(factory.Time.GetUtcNow().ToOffset(TimeSpan.FromHours(8)).DateTime);
        return template.Replace("S1", ids["S1"].ToString()).Replace("S2", ids["S2"].ToString())
            .Replace("{today-250}", today.AddDays(-250).ToString("yyyy-MM-dd")).Replace("{today-100}", today.AddDays(-100).ToString("yyyy-MM-dd"))
            .Replace("{today-20}", today.AddDays(-20).ToString("yyyy-MM-dd")).Replace("{today+30}", today.AddDays(30).ToString("yyyy-MM-dd"));
    }
}
