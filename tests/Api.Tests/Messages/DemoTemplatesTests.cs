using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using WechatLoyalty.Api.Demo;
using WechatLoyalty.Api.Tests.Infrastructure;
using WechatLoyalty.Domain.Admin;
using WechatLoyalty.Domain.Messaging;

namespace WechatLoyalty.Api.Tests.Messages;

/// <summary>The demo seed's templates pass the simulator's (WeChat's) value rules on both channels, for every kind.</summary>
public class DemoTemplatesTests(DemoTemplatesTests.Factory factory) : IClassFixture<DemoTemplatesTests.Factory>
{
    public sealed class Factory : MessagesFactory
    {
        protected override IEnumerable<KeyValuePair<string, string?>> Settings => [new("Demo:Members", "0"), new("Demo:HistoryMonths", "1")];
    }

    [Fact]
    public async Task DemoSeed_RegistersEveryKind_AndTestSendsReachTheSimulator()
    {
        await using (var scope = factory.Services.CreateAsyncScope())
            await scope.ServiceProvider.GetRequiredService<DemoSeeder>().SeedAsync(default);
        Assert.Equal(MessageKinds.All.Order(), (await factory.WithDbAsync(db => db.MessageTemplates.Select(t => t.Kind).ToListAsync())).Order());
        var (follower, followerId, _) = await factory.MemberAsync(follows: true);
        var (subscriber, subscriberId, session) = await factory.MemberAsync();
        using (var sim = new HttpClient { BaseAddress = factory.Simulator.BaseUri })
        {
            foreach (var kind in MessageKinds.All)
            {
                var templateId = await factory.WithDbAsync(db => db.MessageTemplates.Where(t => t.Kind == kind).Select(t => t.MpTemplateId!).SingleAsync());
                var popup = await sim.PostAsJsonAsync($"/sim/users/{subscriber.UnionId}/subscribe-consent", new { decisions = new Dictionary<string, string> { [templateId] = "accept" } });
                var result = await popup.Content.ReadFromJsonAsync<Dictionary<string, string>>();
                (await session.Client.PostAsJsonAsync("/api/members/me/subscriptions", new { results = result })).EnsureSuccessStatusCode();
            }
        }
        var marketing = await ConsoleAccounts.SignedInClientAsync(factory, AdminRole.Marketing);

        foreach (var kind in MessageKinds.All)
        {
            foreach (var memberId in new[] { followerId, subscriberId })
            {
                var response = await marketing.PostAsJsonAsync($"/api/admin/message-templates/{kind}/test-send", new { memberId });
                var outcome = await response.Content.ReadFromJsonAsync<JsonElement>();
                Assert.True(outcome.GetProperty("status").GetString() == "Sent", $"{kind} to {memberId}: {outcome}");
            }
        }

        var shown = (await factory.SimMessagesAsync(follower)).Concat(await factory.SimMessagesAsync(subscriber)).ToList();
        Assert.Equal(2 * MessageKinds.All.Count, shown.Count);
        Assert.All(shown, m => Assert.Equal(0, m.GetProperty("errcode").GetInt32()));
    }
}
