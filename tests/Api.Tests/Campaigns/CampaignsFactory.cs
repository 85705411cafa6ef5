using System.Collections.Concurrent;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.TestHost;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using WechatLoyalty.Api.Tests.Infrastructure;
using WechatLoyalty.Domain.Campaigns;
using WechatLoyalty.Domain.Campaigns.Sending;
using WechatLoyalty.Domain.Common;
using WechatLoyalty.Domain.Members;
using WechatLoyalty.Domain.Points;
using WechatLoyalty.Domain.Stores;

namespace WechatLoyalty.Api.Tests.Campaigns;

/// <summary>
/// The real API and database with a clock the tests move (quiet hours, conversion windows) and a sender the tests
/// can break: the stand-in sender (campaign_deliveries) behind a switch that throws after N sends, as a process
/// killed between a send and its record would.
/// </summary>
public class CampaignsFactory : LoyaltyApiFactory
{
    /// <summary>Noon in Shanghai today: inside the sending window.</summary>
    public FakeTimeProvider Time { get; } = new(new DateTimeOffset(DateTime.UtcNow.Date.AddHours(4), TimeSpan.Zero));

    public SenderSwitch Sender { get; } = new();

    public DateTime Now => Time.GetUtcNow().UtcDateTime;

    protected override IEnumerable<KeyValuePair<string, string?>> Settings =>
    [
        new("Campaigns:BatchSize", "5"),
        new("Campaigns:Parallelism", "1"),
    ];

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        base.ConfigureWebHost(builder);
        builder.ConfigureTestServices(services =>
        {
            services.AddSingleton<TimeProvider>(Time);
            services.AddSingleton(Sender);
            services.AddScoped<RecordingCampaignSender>();
            services.AddScoped<ICampaignSender, SwitchedSender>();
        });
    }

    /// <summary>Moves the clock forward to the next <paramref name="local"/> time of day in Shanghai.</summary>
    public void AdvanceToShanghai(int hour, int minute = 0)
    {
        var shanghai = TimeSpan.FromHours(8);
        var now = Time.GetUtcNow().ToOffset(shanghai);
        var target = new DateTimeOffset(now.Date.AddHours(hour).AddMinutes(minute), shanghai);
        if (target <= now) target = target.AddDays(1);
        Time.SetUtcNow(target);
    }

    public async Task<T> WithAsync<TService, T>(Func<TService, Task<T>> work) where TService : notnull
    {
        await using var scope = Services.CreateAsyncScope();
        return await work(scope.ServiceProvider.GetRequiredService<TService>());
    }

    public Task<FanoutResult> RunFanoutAsync(long campaignId) =>
        WithAsync<CampaignFanout, FanoutResult>(f => f.RunAsync(campaignId, "accessory", CancellationToken.None));

    public Task<long> StoreAsync() => WithDbAsync(async db =>
    {
        var store = new Store { Code = $"T{Random.Shared.Next(100000, 999999)}", Name = "Test store", City = "上海", CreatedAt = Now };
        db.Stores.Add(store);
        await db.SaveChangesAsync();
        return store.Id;
    });

    /// <summary>Members of a store (the tests' audiences are "store in [id]"); every <paramref name="followEvery"/>th follows the OA.</summary>
    public Task<List<long>> MembersAsync(long storeId, int count, int followEvery = 1) => WithDbAsync(async db =>
    {
        var members = Enumerable.Range(0, count).Select(i =>
        {
            var m = TestData.Member("ordinary", Now.AddDays(-400));
            m.StoreId = storeId;
            m.Nickname = $"会员{i}";
            if (i % followEvery == 0)
                m.Identities.Add(new MemberIdentity { AppId = "wxoa", OpenId = $"o{Guid.NewGuid():N}", Follows = true, CreatedAt = Now });
            return m;
        }).ToList();
        db.Members.AddRange(members);
        await db.SaveChangesAsync();
        return members.Select(m => m.Id).ToList();
    });

    public async Task<long> SegmentAsync(HttpClient marketing, object definition)
    {
        var response = await marketing.PostAsJsonAsync("/api/admin/segments", new { name = $"seg-{Guid.NewGuid():N}", definition });
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        return (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetInt64();
    }

    /// <summary>A campaign to one store's members, scheduled now through the API; returns its id.</summary>
    public async Task<long> ScheduledCampaignAsync(HttpClient marketing, long storeId, decimal holdoutPercent, int rewardPoints = 0)
    {
        var segmentId = await SegmentAsync(marketing, new { type = "store", @in = new[] { storeId } });
        var created = await marketing.PostAsJsonAsync("/api/admin/campaigns", new
        {
            name = $"camp-{Guid.NewGuid():N}", segmentId, templateId = "TPL-CAMPAIGN-1", page = "pages/promo/index",
            fields = new Dictionary<string, string> { ["first"] = "{name}，双十二礼遇", ["keyword1"] = "{tier}", ["keyword2"] = "{points}" },
            rewardPoints, holdoutPercent,
        });
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        var id = (await created.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetInt64();
        var scheduled = await marketing.PostAsJsonAsync($"/api/admin/campaigns/{id}/schedule", new { });
        Assert.Equal(HttpStatusCode.OK, scheduled.StatusCode);
        return id;
    }

    public Task<List<CampaignRecipient>> RecipientsAsync(long campaignId) =>
        WithDbAsync(db => db.CampaignRecipients.AsNoTracking().Where(r => r.CampaignId == campaignId).OrderBy(r => r.MemberId).ToListAsync());

    public Task<List<CampaignDelivery>> DeliveriesAsync(long campaignId) =>
        WithDbAsync(db => db.CampaignDeliveries.AsNoTracking().Where(d => d.CampaignId == campaignId).ToListAsync());

    public Task<List<PointEntry>> RewardEntriesAsync(long campaignId) =>
        WithDbAsync(db => db.PointEntries.AsNoTracking().Where(e => e.IdempotencyKey.StartsWith($"campaign:{campaignId}:")).ToListAsync());

    public Task<Campaign> CampaignAsync(long campaignId) =>
        WithDbAsync(db => db.Campaigns.AsNoTracking().SingleAsync(c => c.Id == campaignId));
}

/// <summary>What the tests do to the sender: count real sends per member, crash after N, or act mid-send (a pause).</summary>
public sealed class SenderSwitch
{
    private int _sends;

    public ConcurrentDictionary<long, int> Calls { get; } = new();

    /// <summary>Throw after this many sends in total (the send itself has happened: a crash before the record).</summary>
    public int? CrashAfter { get; set; }

    public Func<int, Task>? AfterSend { get; set; }

    public void Reset()
    {
        _sends = 0;
        CrashAfter = null;
        AfterSend = null;
        Calls.Clear();
    }

    internal async Task OnSentAsync(long memberId)
    {
        Calls.AddOrUpdate(memberId, 1, (_, n) => n + 1);
        var sends = Interlocked.Increment(ref _sends);
        if (AfterSend is { } after) await after(sends);
        if (sends > CrashAfter) throw new InvalidOperationException($"Simulated crash after send {sends}.");
    }
}

internal sealed class SwitchedSender(RecordingCampaignSender inner, SenderSwitch control) : ICampaignSender
{
    public async Task<IReadOnlyDictionary<long, CampaignSendOutcome>> SendBatchAsync(IReadOnlyList<CampaignMessage> messages, int parallelism, CancellationToken ct)
    {
        var outcomes = new Dictionary<long, CampaignSendOutcome>();
        foreach (var message in messages)
        {
            outcomes[message.MemberId] = await inner.SendAsync(message, ct);
            await control.OnSentAsync(message.MemberId);
        }
        return outcomes;
    }
}
