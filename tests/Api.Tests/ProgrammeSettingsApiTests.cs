using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Nodes;
using WechatLoyalty.Api.Tests.Infrastructure;
using WechatLoyalty.Domain.Admin;

namespace WechatLoyalty.Api.Tests;

public class ProgrammeSettingsApiTests(LoyaltyApiFactory factory) : IClassFixture<LoyaltyApiFactory>
{
    private static readonly string Today = DateOnly.FromDateTime(TimeZoneInfo.ConvertTime(DateTime.UtcNow, TimeZoneInfo.FindSystemTimeZoneById("Asia/Shanghai"))).ToString("yyyy-MM-dd");

    [Fact]
    public async Task CreateVersion_FromPreset_TakesEffect_AndKeepsHistory()
    {
        var admin = await ConsoleAccounts.SignedInClientAsync(factory, AdminRole.Admin);

        var first = await admin.PostAsJsonAsync("/api/admin/programme/versions", new { preset = "mall", effectiveFrom = Today });
        var second = await admin.PostAsJsonAsync("/api/admin/programme/versions", new { preset = "accessory", effectiveFrom = "2099-01-01" });
        var versions = await admin.GetFromJsonAsync<JsonElement>("/api/admin/programme/versions");
        var programme = await factory.CreateClient().GetFromJsonAsync<JsonElement>("/api/programme");

        Assert.Equal(HttpStatusCode.Created, first.StatusCode);
        Assert.Equal(HttpStatusCode.Created, second.StatusCode);
        var inEffect = Assert.Single(versions.EnumerateArray(), v => v.GetProperty("inEffect").GetBoolean());
        Assert.Equal("mall", inEffect.GetProperty("preset").GetString());
        Assert.Contains(versions.EnumerateArray(), v => v.GetProperty("effectiveFrom").GetString() == "2099-01-01"
            && v.GetProperty("preset").GetString() == "accessory" && !v.GetProperty("inEffect").GetBoolean());
        Assert.Equal("mall", programme.GetProperty("preset").GetString());
    }

    [Fact]
    public async Task CreateVersion_AcceptsEditedLadder_AndRejectsInvalidOne()
    {
        var admin = await ConsoleAccounts.SignedInClientAsync(factory, AdminRole.Admin);
        var presets = await admin.GetFromJsonAsync<JsonObject>("/api/admin/programme/presets");
        var rules = presets!["accessory"]!.AsObject();
        rules["tiers"]![1]!["thresholdFen"] = 250_000;

        var edited = await admin.PostAsJsonAsync("/api/admin/programme/versions", new { rules, effectiveFrom = "2099-02-01" });
        rules["tiers"]![2]!["thresholdFen"] = 100_000;
        var descending = await admin.PostAsJsonAsync("/api/admin/programme/versions", new { rules, effectiveFrom = "2099-02-01" });

        Assert.Equal(HttpStatusCode.Created, edited.StatusCode);
        Assert.Equal(250_000, (await edited.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("rules").GetProperty("tiers")[1].GetProperty("thresholdFen").GetInt64());
        Assert.Equal(HttpStatusCode.BadRequest, descending.StatusCode);
        Assert.Equal("tiers.thresholds", (await descending.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("code").GetString());
    }

    [Fact]
    public async Task CreateVersion_Is400_ForAPastDate_And403_ForMarketing()
    {
        var admin = await ConsoleAccounts.SignedInClientAsync(factory, AdminRole.Admin);
        var marketing = await ConsoleAccounts.SignedInClientAsync(factory, AdminRole.Marketing);

        var past = await admin.PostAsJsonAsync("/api/admin/programme/versions", new { preset = "mall", effectiveFrom = "2020-01-01" });
        var forbidden = await marketing.PostAsJsonAsync("/api/admin/programme/versions", new { preset = "mall", effectiveFrom = "2099-01-01" });
        var readable = await marketing.GetAsync("/api/admin/programme/versions");

        Assert.Equal(HttpStatusCode.BadRequest, past.StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, forbidden.StatusCode);
        Assert.Equal(HttpStatusCode.OK, readable.StatusCode);
    }
}
