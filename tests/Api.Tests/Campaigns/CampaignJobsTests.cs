using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Hangfire;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using WechatLoyalty.Api.Tests.Infrastructure;
using WechatLoyalty.Domain.Admin;
using WechatLoyalty.Domain.Campaigns;
using WechatLoyalty.Domain.Members;
using WechatLoyalty.Jobs.Campaigns;

namespace WechatLoyalty.Api.Tests.Campaigns;

/// <summary>Campaigns through Hangfire inside the API on the real Redis: "send now" reaches every member once.</summary>
public class CampaignJobsTests(CampaignJobsTests.Factory factory) : IClassFixture<CampaignJobsTests.Factory>
{
    public class Factory : LoyaltyApiFactory
    {
        protected override IEnumerable<KeyValuePair<string, string?>> Settings =>
        [
            new("Jobs:ServerEnabled", "true"),
            new("Jobs:WorkerCount", "2"),
            // The real clock may be in quiet hours; 00:00–00:00 turns them off.
            new("Campaigns:QuietStart", "00:00"),
            new("Campaigns:QuietEnd", "00:00"),
        ];
    }

    [Fact]
    public async Task ScheduleNow_SendsThroughHangfire_AndTheDispatcherFindsNothingLeft()
    {
        using var marketing = await ConsoleAccounts.SignedInClientAsync(factory, AdminRole.Marketing);
        var members = await factory.WithDbAsync(async db =>
        {
            var list = Enumerable.Range(0, 7).Select(_ =>
            {
                var m = TestData.Member("gold", DateTime.UtcNow.AddDays(-100));
                m.Identities.Add(new MemberIdentity { AppId = "wxoa", OpenId = $"o{Guid.NewGuid():N}", Follows = true, CreatedAt = DateTime.UtcNow });
                return m;
            }).ToList();
            db.Members.AddRange(list);
            await db.SaveChangesAsync();
            return list.Select(m => m.Id).ToList();
        });
        var segment = await marketing.PostAsJsonAsync("/api/admin/segments", new { name = "gold", definition = new { type = "tier", @in = new[] { "gold" } } });
        var segmentId = (await segment.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetInt64();
        var created = await marketing.PostAsJsonAsync("/api/admin/campaigns", new
        {
            name = "Gold night", segmentId, templateId = "TPL", fields = new Dictionary<string, string> { ["first"] = "{name}" }, holdoutPercent = 0,
        });
        var id = (await created.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetInt64();

        Assert.Equal(HttpStatusCode.OK, (await marketing.PostAsJsonAsync($"/api/admin/campaigns/{id}/schedule", new { })).StatusCode);

        var deadline = DateTime.UtcNow.AddSeconds(120);
        Campaign campaign;
        do
        {
            await Task.Delay(200);
            campaign = await factory.WithDbAsync(db => db.Campaigns.AsNoTracking().SingleAsync(c => c.Id == id));
        } while (campaign.Status != CampaignStatus.Done && DateTime.UtcNow < deadline);
        Assert.Equal(CampaignStatus.Done, campaign.Status);
        var delivered = await factory.WithDbAsync(db => db.MessageDeliveries.Where(d => d.CampaignId == id).Select(d => d.MemberId).ToListAsync());
        Assert.Equal(members.Order(), delivered.Order());

        // The dispatcher (every minute in production) starts nothing for a finished campaign.
        await using var scope = factory.Services.CreateAsyncScope();
        await scope.ServiceProvider.GetRequiredService<CampaignJobs>().DispatchDueAsync(CancellationToken.None);
        Assert.Equal(7, await factory.WithDbAsync(db => db.MessageDeliveries.CountAsync(d => d.CampaignId == id)));
    }
}
