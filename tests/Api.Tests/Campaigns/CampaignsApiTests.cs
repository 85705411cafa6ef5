using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using WechatLoyalty.Api.Tests.Infrastructure;
using WechatLoyalty.Domain.Admin;

namespace WechatLoyalty.Api.Tests.Campaigns;

/// <summary>The campaign admin API: validation, edits only while draft, legal transitions only.</summary>
public class CampaignsApiTests(CampaignsFactory factory) : IClassFixture<CampaignsFactory>
{
    [Theory]
    [InlineData("""{ "name": "x", "segmentId": SEG, "templateId": "T", "fields": { "first": "hi" }, "colour": "red" }""", "request.malformed")]
    [InlineData("""{ "name": "x", "segmentId": SEG, "templateId": "T", "fields": { "first": "{nickname}" } }""", "campaign.fields")]
    [InlineData("""{ "name": "x", "segmentId": SEG, "templateId": "T", "fields": { "first": "hi" }, "holdoutPercent": 60 }""", "campaign.invalid")]
    [InlineData("""{ "name": "x", "segmentId": SEG, "templateId": "T", "fields": { "first": "hi" }, "rewardPoints": -5 }""", "campaign.invalid")]
    [InlineData("""{ "name": "x", "segmentId": 987654, "templateId": "T", "fields": { "first": "hi" } }""", "campaign.invalid")]
    [InlineData("""{ "name": "x", "segmentId": SEG, "fields": { "first": "hi" } }""", "campaign.invalid")]
    public async Task Create_Is400_WhenInvalid(string body, string code)
    {
        using var marketing = await ConsoleAccounts.SignedInClientAsync(factory, AdminRole.Marketing);
        var segment = await factory.SegmentAsync(marketing, new { type = "tier", @in = new[] { "gold" } });

        var response = await marketing.PostAsync("/api/admin/campaigns",
            new StringContent(body.Replace("SEG", segment.ToString()), System.Text.Encoding.UTF8, "application/json"));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal(code, (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("code").GetString());
    }

    [Fact]
    public async Task Lifecycle_AllowsOnlyLegalMoves_AndEditsOnlyDrafts()
    {
        using var marketing = await ConsoleAccounts.SignedInClientAsync(factory, AdminRole.Marketing);
        var segment = await factory.SegmentAsync(marketing, new { type = "tier", @in = new[] { "gold" } });
        var draft = new { name = "Winter", segmentId = segment, templateId = "TPL", fields = new Dictionary<string, string> { ["first"] = "{name}" } };
        var created = await marketing.PostAsJsonAsync("/api/admin/campaigns", draft);
        var body = await created.Content.ReadFromJsonAsync<JsonElement>();
        var id = body.GetProperty("id").GetInt64();

        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        Assert.Equal("Draft", body.GetProperty("status").GetString());
        Assert.Equal(5m, body.GetProperty("holdoutPercent").GetDecimal());
        Assert.Equal(HttpStatusCode.Conflict, (await marketing.PostAsync($"/api/admin/campaigns/{id}/pause", null)).StatusCode);
        Assert.Equal(HttpStatusCode.Conflict, (await marketing.PostAsync($"/api/admin/campaigns/{id}/resume", null)).StatusCode);

        var at = factory.Time.GetUtcNow().AddDays(2);
        var scheduled = await marketing.PostAsJsonAsync($"/api/admin/campaigns/{id}/schedule", new { at });
        Assert.Equal(HttpStatusCode.OK, scheduled.StatusCode);
        Assert.Equal("Scheduled", (await scheduled.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("status").GetString());
        Assert.Equal(HttpStatusCode.Conflict, (await marketing.PutAsJsonAsync($"/api/admin/campaigns/{id}", draft)).StatusCode);
        Assert.Equal(HttpStatusCode.Conflict, (await marketing.PostAsJsonAsync($"/api/admin/campaigns/{id}/schedule", new { })).StatusCode);
        Assert.Equal(HttpStatusCode.Conflict, (await marketing.PostAsync($"/api/admin/campaigns/{id}/pause", null)).StatusCode);
        // Not due yet: the fan-out leaves it alone.
        Assert.Equal(Domain.Campaigns.FanoutState.Waiting, (await factory.RunFanoutAsync(id)).State);

        Assert.Equal(HttpStatusCode.OK, (await marketing.PostAsync($"/api/admin/campaigns/{id}/unschedule", null)).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await marketing.PutAsJsonAsync($"/api/admin/campaigns/{id}", draft with { name = "Winter 2" })).StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest,
            (await marketing.PostAsJsonAsync($"/api/admin/campaigns/{id}/schedule", new { at = factory.Time.GetUtcNow().AddDays(-1) })).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await marketing.PostAsync($"/api/admin/campaigns/{id}/cancel", null)).StatusCode);
        Assert.Equal(HttpStatusCode.Conflict, (await marketing.PostAsync($"/api/admin/campaigns/{id}/cancel", null)).StatusCode);
        Assert.Equal(HttpStatusCode.Conflict, (await marketing.PostAsJsonAsync($"/api/admin/campaigns/{id}/schedule", new { })).StatusCode);
        Assert.Equal(Domain.Campaigns.FanoutState.Stopped, (await factory.RunFanoutAsync(id)).State);
        Assert.Equal(HttpStatusCode.Conflict, (await marketing.DeleteAsync($"/api/admin/segments/{segment}")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await marketing.GetAsync("/api/admin/campaigns/987654")).StatusCode);
    }
}
