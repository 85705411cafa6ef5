using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.TestHost;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using WechatLoyalty.Api.Tests.Infrastructure;
using WechatLoyalty.Domain.Admin;
using WechatLoyalty.Domain.Messaging;

namespace WechatLoyalty.Api.Tests.Messages;

/// <summary>The real API, database and simulator, with a clock the tests move, and helpers for members in every channel state.</summary>
public class MessagesFactory : LoyaltyApiFactory
{
    public const string OaTemplate = "OA_TPL_points_0001";
    public const string MpTemplate = "MP_TPL_points_0001";

    public FakeTimeProvider Time { get; } = new(DateTimeOffset.UtcNow);

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        base.ConfigureWebHost(builder);
        builder.ConfigureTestServices(services => services.AddSingleton<TimeProvider>(Time));
    }

    public async Task<T> WithAsync<TService, T>(Func<TService, Task<T>> work) where TService : notnull
    {
        await using var scope = Services.CreateAsyncScope();
        return await work(scope.ServiceProvider.GetRequiredService<TService>());
    }

    public Task<DeliveryOutcome> SendAsync(long memberId, string kind, string occasion, Dictionary<string, string>? values = null) =>
        WithAsync<MessageDispatcher, DeliveryOutcome>(d => d.SendAsync(new MessageRequest(memberId, kind, occasion, values ?? new() { ["points"] = "120", ["date"] = "2026-12-31" }), default));

    /// <summary>Registers every kind through the admin API (same OA and MP template for all, so one consent serves any kind).</summary>
    public async Task RegisterTemplatesAsync()
    {
        if (await WithDbAsync(db => db.MessageTemplates.AnyAsync())) return;
        var admin = await ConsoleAccounts.SignedInClientAsync(this, AdminRole.Marketing);
        foreach (var kind in MessageKinds.All)
        {
            var values = MessageKinds.Values[kind];
            var second = values.Count > 0 ? $"{{{values[0]}}}" : "{today}";
            var response = await admin.PutAsJsonAsync($"/api/admin/message-templates/{kind}", new
            {
                oaTemplateId = OaTemplate,
                oaFields = new Dictionary<string, string> { ["thing1"] = "{nickname}", ["thing2"] = second },
                mpTemplateId = MpTemplate,
                mpFields = new Dictionary<string, string> { ["thing1"] = "{nickname}的消息", ["thing2"] = second },
                page = "pages/member/index?from=msg",
            });
            response.EnsureSuccessStatusCode();
        }
    }

    /// <summary>A registered member in the simulator's WeChat; following the OA and/or with one consent to <see cref="MpTemplate"/>.</summary>
    public async Task<(WechatUser User, long MemberId, MemberSession Session)> MemberAsync(bool follows = false, bool consent = false)
    {
        var user = await WechatUsers.CreateAsync(this);
        var session = await WechatUsers.LoginAsync(this, user);
        (await WechatUsers.RegisterAsync(session.Client)).EnsureSuccessStatusCode();
        var memberId = await WithDbAsync(db => db.Members.Where(m => m.UnionId == user.UnionId).Select(m => m.Id).SingleAsync());
        if (follows)
        {
            await WechatUsers.SimPostAsync(this, $"/sim/users/{user.UnionId}/follow");
            await EventuallyAsync(() => WithDbAsync(db => db.MemberIdentities.AnyAsync(i => i.OpenId == user.OaOpenId && i.Follows == true && i.MemberId == memberId)));
        }
        if (consent) await ConsentAsync(user, session, "accept");
        return (user, memberId, session);
    }

    /// <summary>The popup in the simulator's WeChat, then its result passed to our API as the mini-program does.</summary>
    public async Task<JsonElement> ConsentAsync(WechatUser user, MemberSession session, string decision)
    {
        using var sim = new HttpClient { BaseAddress = Simulator.BaseUri };
        var popup = await sim.PostAsJsonAsync($"/sim/users/{user.UnionId}/subscribe-consent", new { decisions = new Dictionary<string, string> { [MpTemplate] = decision } });
        popup.EnsureSuccessStatusCode();
        var result = await popup.Content.ReadFromJsonAsync<Dictionary<string, string>>();
        var response = await session.Client.PostAsJsonAsync("/api/members/me/subscriptions", new { results = result });
        response.EnsureSuccessStatusCode();
        return await response.Content.ReadFromJsonAsync<JsonElement>();
    }

    /// <summary>The messages the simulator's WeChat shows this user (its /sim JSON for the H5 demo).</summary>
    public async Task<JsonElement[]> SimMessagesAsync(WechatUser user)
    {
        using var sim = new HttpClient { BaseAddress = Simulator.BaseUri };
        return (await sim.GetFromJsonAsync<JsonElement[]>($"/sim/users/{user.UnionId}/messages"))!;
    }

    public Task<MessageDelivery> DeliveryAsync(long id) => WithDbAsync(db => db.MessageDeliveries.AsNoTracking().SingleAsync(d => d.Id == id));

    public Task<List<MessageDelivery>> DeliveriesAsync(long memberId) =>
        WithDbAsync(db => db.MessageDeliveries.AsNoTracking().Where(d => d.MemberId == memberId).OrderBy(d => d.Id).ToListAsync());

    public Task<int> CreditsAsync(long memberId) =>
        WithDbAsync(db => db.SubscriptionCredits.Where(c => c.MemberId == memberId && c.TemplateId == MpTemplate).Select(c => c.Credits).SingleOrDefaultAsync());

    public async Task SimFaultsAsync(object faults)
    {
        using var sim = new HttpClient { BaseAddress = Simulator.BaseUri };
        (await sim.PostAsJsonAsync("/sim/faults", faults)).EnsureSuccessStatusCode();
    }

    /// <summary>Waits (up to 10 s) for something the API does after it answered, e.g. an OA event's processing.</summary>
    public static async Task EventuallyAsync(Func<Task<bool>> condition, string? what = null)
    {
        var deadline = DateTime.UtcNow.AddSeconds(10);
        while (!await condition())
        {
            if (DateTime.UtcNow > deadline) Assert.Fail($"Timed out waiting for {what ?? "the condition"}.");
            await Task.Delay(50);
        }
    }
}
