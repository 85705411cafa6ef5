using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using WechatLoyalty.Api.Tests.Infrastructure;
using WechatLoyalty.Api.Tests.Messages;
using WechatLoyalty.Domain.Admin;
using WechatLoyalty.Domain.Campaigns;
using WechatLoyalty.Domain.Messaging;
using WechatLoyalty.Domain.Stores;

namespace WechatLoyalty.Api.Tests.Campaigns;

/// <summary>
/// A campaign through the production sender: the members' messages pipeline and the simulator's WeChat. The
/// campaign's field values fill the placeholders of the Campaign template registered by marketing.
/// </summary>
public class CampaignMessagesTests(CampaignMessagesTests.Factory factory) : IClassFixture<CampaignMessagesTests.Factory>
{
    /// <summary>No quiet hours: the test runs at whatever time of day CI does.</summary>
    public sealed class Factory : MessagesFactory
    {
        protected override IEnumerable<KeyValuePair<string, string?>> Settings =>
            [new("Campaigns:QuietStart", "00:00"), new("Campaigns:QuietEnd", "00:00")];
    }

    [Fact]
    public async Task Fanout_SendsEachRecipientOnceThroughTheirChannel_AndRecordsWhoHadNone()
    {
        await factory.RegisterTemplatesAsync();
        var marketing = await ConsoleAccounts.SignedInClientAsync(factory, AdminRole.Marketing);
        (await marketing.PutAsJsonAsync($"/api/admin/message-templates/{MessageKinds.Campaign}", new
        {
            oaTemplateId = MessagesFactory.OaTemplate,
            oaFields = new Dictionary<string, string> { ["thing1"] = "{first}", ["thing2"] = "{keyword1}" },
            mpTemplateId = MessagesFactory.MpTemplate,
            mpFields = new Dictionary<string, string> { ["thing1"] = "{first}", ["thing2"] = "{keyword1}" },
            page = "pages/promo/index",
        })).EnsureSuccessStatusCode();
        var follower = await factory.MemberAsync(follows: true);
        var consenting = await factory.MemberAsync(consent: true);
        var neither = await factory.MemberAsync();
        var ids = new[] { follower.MemberId, consenting.MemberId, neither.MemberId };
        var storeId = await factory.WithDbAsync(async db =>
        {
            var store = new Store { Code = $"C{Random.Shared.Next(100000, 999999)}", Name = "Campaign store", City = "上海", CreatedAt = DateTime.UtcNow };
            db.Stores.Add(store);
            await db.SaveChangesAsync();
            return store.Id;
        });
        await factory.WithDbAsync(db => db.Members.Where(m => ids.Contains(m.Id)).ExecuteUpdateAsync(s => s.SetProperty(m => m.StoreId, storeId)));

        var segment = await marketing.PostAsJsonAsync("/api/admin/segments",
            new { name = "store members", definition = new { type = "store", @in = new[] { storeId } } });
        var segmentId = (await segment.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetInt64();
        var created = await marketing.PostAsJsonAsync("/api/admin/campaigns", new
        {
            name = "双十二", segmentId, messageKind = MessageKinds.Campaign, templateId = MessagesFactory.OaTemplate, page = "pages/promo/index",
            fields = new Dictionary<string, string> { ["first"] = "{name}，双十二礼遇", ["keyword1"] = "{tier}" },
            holdoutPercent = 0,
        });
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        var campaignId = (await created.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetInt64();
        Assert.Equal(HttpStatusCode.OK, (await marketing.PostAsJsonAsync($"/api/admin/campaigns/{campaignId}/schedule", new { })).StatusCode);

        await RunAsync(campaignId);
        await RunAsync(campaignId); // a second run (a retried job) sends nothing more

        var recipients = await factory.WithDbAsync(db => db.CampaignRecipients.AsNoTracking().Where(r => r.CampaignId == campaignId).ToListAsync());
        Assert.Equal(RecipientStatus.Sent, recipients.Single(r => r.MemberId == follower.MemberId).Status);
        Assert.Equal(RecipientStatus.Sent, recipients.Single(r => r.MemberId == consenting.MemberId).Status);
        Assert.Equal(RecipientStatus.Undeliverable, recipients.Single(r => r.MemberId == neither.MemberId).Status);

        var deliveries = await factory.WithDbAsync(db => db.MessageDeliveries.AsNoTracking().Where(d => d.CampaignId == campaignId).ToListAsync());
        Assert.Equal(3, deliveries.Count);
        Assert.Equal(DeliveryChannel.OfficialAccount, deliveries.Single(d => d.MemberId == follower.MemberId).Channel);
        Assert.Equal(DeliveryChannel.MiniProgram, deliveries.Single(d => d.MemberId == consenting.MemberId).Channel);
        Assert.Equal(0, await factory.CreditsAsync(consenting.MemberId));

        // What WeChat showed each member: one message, with the campaign's text for that member.
        var shown = await factory.SimMessagesAsync(follower.User);
        Assert.Single(shown);
        Assert.Contains("双十二礼遇", shown[0].GetRawText());
        Assert.Single(await factory.SimMessagesAsync(consenting.User));
        Assert.Empty(await factory.SimMessagesAsync(neither.User));
    }

    private async Task RunAsync(long campaignId)
    {
        await using var scope = factory.Services.CreateAsyncScope();
        await scope.ServiceProvider.GetRequiredService<CampaignFanout>().RunAsync(campaignId, "accessory", CancellationToken.None);
    }
}
