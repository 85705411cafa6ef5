using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using WechatLoyalty.Api.Tests.Infrastructure;
using WechatLoyalty.Domain.Admin;
using WechatLoyalty.Domain.Messaging;

namespace WechatLoyalty.Api.Tests.Messages;

/// <summary>The registry, consent and delivery endpoints: who may call them, what they validate, what they change.</summary>
public class MessagesApiTests(MessagesApiTests.Factory factory) : IClassFixture<MessagesApiTests.Factory>
{
    public sealed class Factory : MessagesFactory;

    [Fact]
    public async Task Registry_SavesListsAndDeletes_ForMarketing_AndRejectsOtherRoles()
    {
        var marketing = await ConsoleAccounts.SignedInClientAsync(factory, AdminRole.Marketing);
        var clerk = await ConsoleAccounts.SignedInClientAsync(factory, AdminRole.Clerk);
        var entry = new { oaTemplateId = "OA_expiring_1", oaFields = new Dictionary<string, string> { ["thing1"] = "{points}积分将于{date}到期" }, page = "pages/points/index" };

        var created = await marketing.PutAsJsonAsync("/api/admin/message-templates/pointsexpiring", entry);
        var replaced = await marketing.PutAsJsonAsync("/api/admin/message-templates/PointsExpiring", entry with { page = "pages/points/index?from=msg" });
        var forbidden = await clerk.PutAsJsonAsync("/api/admin/message-templates/PointsExpiring", entry);
        var list = await marketing.GetFromJsonAsync<JsonElement[]>("/api/admin/message-templates");

        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        Assert.Equal(HttpStatusCode.OK, replaced.StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, forbidden.StatusCode);
        Assert.Equal(MessageKinds.All.Count, list!.Length);
        var saved = list.Single(t => t.GetProperty("kind").GetString() == MessageKinds.PointsExpiring);
        Assert.Equal("pages/points/index?from=msg", saved.GetProperty("page").GetString());
        Assert.True(saved.GetProperty("registered").GetBoolean());

        Assert.Equal(HttpStatusCode.NoContent, (await marketing.DeleteAsync("/api/admin/message-templates/PointsExpiring")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await marketing.GetAsync("/api/admin/message-templates/PointsExpiring")).StatusCode);
    }

    [Theory]
    [InlineData("""{"oaFields":{"thing1":"x"}}""", "messages.template_invalid")]
    [InlineData("""{"oaTemplateId":"OA_1","oaFields":{"thing1":"{nosuchvalue}"}}""", "messages.template_invalid")]
    [InlineData("""{"oaTemplateId":"OA_1","oaFields":{}}""", "messages.template_invalid")]
    [InlineData("""{"oaTemplateId":"OA 1","oaFields":{"thing1":"x"}}""", "messages.template_invalid")]
    [InlineData("""{"mpTemplateId":"MP_1","mpFields":{"thing1":"x"},"page":"/pages/index"}""", "messages.template_invalid")]
    public async Task Registry_RejectsBadEntries_With400_AndChangesNothing(string json, string code)
    {
        await factory.RegisterTemplatesAsync();
        var marketing = await ConsoleAccounts.SignedInClientAsync(factory, AdminRole.Marketing);
        var before = await BirthdayEntryAsync();

        var response = await marketing.PutAsync("/api/admin/message-templates/Birthday", new StringContent(json, System.Text.Encoding.UTF8, "application/json"));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal(code, (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("code").GetString());
        Assert.Equal(before, await BirthdayEntryAsync());
    }

    private Task<string> BirthdayEntryAsync() => factory.WithDbAsync(async db =>
    {
        var t = await db.MessageTemplates.AsNoTracking().SingleAsync(t => t.Kind == MessageKinds.Birthday);
        return $"{t.OaTemplateId}|{t.OaFieldsJson}|{t.MpTemplateId}|{t.MpFieldsJson}|{t.Page}|{t.UpdatedAt:O}";
    });

    [Fact]
    public async Task UnknownKind_Is404()
    {
        var marketing = await ConsoleAccounts.SignedInClientAsync(factory, AdminRole.Marketing);

        var response = await marketing.PutAsJsonAsync("/api/admin/message-templates/Spam", new { oaTemplateId = "X", oaFields = new { thing1 = "x" } });

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
    }

    [Fact]
    public async Task Preview_RendersForTheMember_AndShowsTheChannel_WithoutSending()
    {
        await factory.RegisterTemplatesAsync();
        var (user, memberId, session) = await factory.MemberAsync(consent: true);
        var marketing = await ConsoleAccounts.SignedInClientAsync(factory, AdminRole.Marketing);

        var response = await marketing.PostAsJsonAsync("/api/admin/message-templates/PointsExpiring/preview", new { memberId });
        var preview = await response.Content.ReadFromJsonAsync<JsonElement>();

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("MiniProgram", preview.GetProperty("channel").GetString());
        Assert.Equal("小明的消息", preview.GetProperty("mpData").GetProperty("thing1").GetString());
        Assert.Equal(1, await factory.CreditsAsync(memberId));
        Assert.Empty(await factory.SimMessagesAsync(user));
        Assert.Equal(HttpStatusCode.NotFound, (await marketing.PostAsJsonAsync("/api/admin/message-templates/PointsExpiring/preview", new { memberId = 987654321 })).StatusCode);
    }

    [Fact]
    public async Task Subscriptions_CountAccepts_RecordRejectAndBan_AndRejectUnknownTemplates()
    {
        await factory.RegisterTemplatesAsync();
        var (user, memberId, session) = await factory.MemberAsync();

        await factory.ConsentAsync(user, session, "accept");
        await factory.ConsentAsync(user, session, "accept");
        Assert.Equal(2, await factory.CreditsAsync(memberId));
        var afterReject = await factory.ConsentAsync(user, session, "reject");
        Assert.Equal(2, afterReject.GetProperty("credits")[0].GetProperty("credits").GetInt32());
        var afterBan = await factory.ConsentAsync(user, session, "ban");
        Assert.True(afterBan.GetProperty("credits")[0].GetProperty("banned").GetBoolean());
        Assert.Equal(MessagesFactory.MpTemplate, afterBan.GetProperty("templates")[0].GetProperty("templateId").GetString());

        var unknown = await session.Client.PostAsJsonAsync("/api/members/me/subscriptions", new { results = new Dictionary<string, string> { ["NOT_OURS"] = "accept" } });
        var badDecision = await session.Client.PostAsJsonAsync("/api/members/me/subscriptions", new { results = new Dictionary<string, string> { [MessagesFactory.MpTemplate] = "maybe" } });
        var anonymous = await factory.CreateClient().PostAsJsonAsync("/api/members/me/subscriptions", new { results = new Dictionary<string, string> { [MessagesFactory.MpTemplate] = "accept" } });

        Assert.Equal(HttpStatusCode.BadRequest, unknown.StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, badDecision.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, anonymous.StatusCode);
        // A banned template is not sent to, whatever the count says.
        var outcome = await factory.SendAsync(memberId, MessageKinds.PointsEarned, "earn:banned");
        Assert.Equal(DeliveryOutcomeStatus.Undeliverable, outcome.Status);
    }

    [Fact]
    public async Task Deliveries_ListTheMembersRecords_ForMarketing()
    {
        await factory.RegisterTemplatesAsync();
        var (_, memberId, _) = await factory.MemberAsync(follows: true);
        await factory.SendAsync(memberId, MessageKinds.PointsEarned, "earn:list-1");
        await factory.SendAsync(memberId, MessageKinds.PointsEarned, "earn:list-2");
        var marketing = await ConsoleAccounts.SignedInClientAsync(factory, AdminRole.Marketing);

        var list = await marketing.GetFromJsonAsync<JsonElement[]>($"/api/admin/members/{memberId}/deliveries");

        Assert.Equal(["earn:list-2", "earn:list-1"], list!.Select(d => d.GetProperty("occasionKey").GetString()));
        Assert.All(list!, d => Assert.Equal("OfficialAccount", d.GetProperty("channel").GetString()));
        Assert.Equal(HttpStatusCode.NotFound, (await marketing.GetAsync("/api/admin/members/987654321/deliveries")).StatusCode);
        var clerk = await ConsoleAccounts.SignedInClientAsync(factory, AdminRole.Clerk);
        Assert.Equal(HttpStatusCode.Forbidden, (await clerk.GetAsync($"/api/admin/members/{memberId}/deliveries")).StatusCode);
    }
}
