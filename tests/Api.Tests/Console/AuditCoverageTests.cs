using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using WechatLoyalty.Api.Tests.Infrastructure;
using WechatLoyalty.Api.Tests.Payments;
using WechatLoyalty.Api.Tests.Reliability;
using WechatLoyalty.Domain.Admin;
using WechatLoyalty.Domain.Campaigns;
using WechatLoyalty.Domain.Messaging;
using WechatLoyalty.Domain.Stores;
using Xunit.Abstractions;

namespace WechatLoyalty.Api.Tests.Console;

/// <summary>
/// Every change made through the console's APIs is audited. Generated from the running API's endpoint list: each
/// POST/PUT/PATCH/DELETE a console account may call either has a scenario below (arrange, call, and the audit row
/// it must leave, naming the signed-in user) or is listed as not a change, and then must write no row at all. A new
/// mutating endpoint fails <see cref="EveryMutatingConsoleEndpoint_IsAuditedOrProvablyWritesNothing"/> until it is
/// given one or the other.
/// </summary>
public class AuditCoverageTests(LoyaltyApiFactory factory, ITestOutputHelper output) : IClassFixture<LoyaltyApiFactory>
{
    private static readonly string[] Mutating = ["POST", "PUT", "PATCH", "DELETE"];

    /// <summary>Endpoints that change no data; the test proves it (no table's row count moves).</summary>
    private static readonly Dictionary<string, string> NotChanges = new()
    {
        ["DELETE /api/admin/session"] = "sign-out drops the caller's own cookie",
        ["POST /api/admin/segments/preview"] = "counts the audience of an unsaved definition",
        ["POST /api/admin/message-templates/{kind}/preview"] = "renders a message for a member; nothing is sent",
    };

    private sealed record Call(HttpMethod Method, string Path, object? Body = null);

    private sealed record Scenario(string Action, Func<Context, Task<Call>> Arrange);

    private sealed record Context(HttpClient Admin, string AdminName);

    private Dictionary<string, Scenario> Scenarios => new()
    {
        ["POST /api/admin/campaigns"] = new(AuditActions.CampaignCreate, async c =>
            new Call(HttpMethod.Post, "/api/admin/campaigns", CampaignBody(await SegmentAsync(c)))),
        ["PUT /api/admin/campaigns/{id:long}"] = new(AuditActions.CampaignUpdate, async c =>
        {
            var segment = await SegmentAsync(c);
            return new Call(HttpMethod.Put, $"/api/admin/campaigns/{await CampaignAsync(c, segment)}", CampaignBody(segment, "Renamed"));
        }),
        ["POST /api/admin/campaigns/{id:long}/schedule"] = new(AuditActions.CampaignSchedule, async c =>
            new Call(HttpMethod.Post, $"/api/admin/campaigns/{await CampaignAsync(c)}/schedule", new { at = DateTimeOffset.UtcNow.AddDays(3) })),
        ["POST /api/admin/campaigns/{id:long}/unschedule"] = new(AuditActions.CampaignUnschedule, async c =>
            new Call(HttpMethod.Post, $"/api/admin/campaigns/{await CampaignAsync(c, status: CampaignStatus.Scheduled)}/unschedule")),
        ["POST /api/admin/campaigns/{id:long}/pause"] = new(AuditActions.CampaignPause, async c =>
            new Call(HttpMethod.Post, $"/api/admin/campaigns/{await CampaignAsync(c, status: CampaignStatus.Sending)}/pause")),
        ["POST /api/admin/campaigns/{id:long}/resume"] = new(AuditActions.CampaignResume, async c =>
            new Call(HttpMethod.Post, $"/api/admin/campaigns/{await CampaignAsync(c, status: CampaignStatus.Paused)}/resume")),
        ["POST /api/admin/campaigns/{id:long}/cancel"] = new(AuditActions.CampaignCancel, async c =>
            new Call(HttpMethod.Post, $"/api/admin/campaigns/{await CampaignAsync(c)}/cancel")),
        ["POST /api/admin/segments"] = new(AuditActions.SegmentCreate, _ =>
            Task.FromResult(new Call(HttpMethod.Post, "/api/admin/segments", SegmentBody()))),
        ["PUT /api/admin/segments/{id:long}"] = new(AuditActions.SegmentUpdate, async c =>
            new Call(HttpMethod.Put, $"/api/admin/segments/{await SegmentAsync(c)}", SegmentBody())),
        ["DELETE /api/admin/segments/{id:long}"] = new(AuditActions.SegmentDelete, async c =>
            new Call(HttpMethod.Delete, $"/api/admin/segments/{await SegmentAsync(c)}")),
        ["POST /api/admin/promotions"] = new(AuditActions.PromotionCreate, _ =>
            Task.FromResult(new Call(HttpMethod.Post, "/api/admin/promotions", PromotionBody()))),
        ["POST /api/admin/promotions/{id:long}/cancel"] = new(AuditActions.PromotionCancel, async c =>
            new Call(HttpMethod.Post, $"/api/admin/promotions/{await IdOfAsync(c.Admin.PostAsJsonAsync("/api/admin/promotions", PromotionBody()))}/cancel")),
        ["PUT /api/admin/message-templates/{kind}"] = new(AuditActions.TemplateSave, _ =>
            Task.FromResult(new Call(HttpMethod.Put, $"/api/admin/message-templates/{MessageKinds.PointsExpiring}", TemplateBody))),
        ["DELETE /api/admin/message-templates/{kind}"] = new(AuditActions.TemplateDelete, async c =>
        {
            (await c.Admin.PutAsJsonAsync($"/api/admin/message-templates/{MessageKinds.PointsExpiring}", TemplateBody)).EnsureSuccessStatusCode();
            return new Call(HttpMethod.Delete, $"/api/admin/message-templates/{MessageKinds.PointsExpiring}");
        }),
        ["POST /api/admin/message-templates/{kind}/test-send"] = new(AuditActions.TemplateTestSend, async c =>
        {
            (await c.Admin.PutAsJsonAsync($"/api/admin/message-templates/{MessageKinds.PointsExpiring}", TemplateBody)).EnsureSuccessStatusCode();
            var customer = await Shop.CustomerAsync(factory);
            return new Call(HttpMethod.Post, $"/api/admin/message-templates/{MessageKinds.PointsExpiring}/test-send", new { memberId = customer.MemberId });
        }),
        ["POST /api/admin/members/{id:long}/points/adjustments"] = new(AuditActions.PointsAdjust, async c =>
        {
            var customer = await Shop.CustomerAsync(factory);
            return new Call(HttpMethod.Post, $"/api/admin/members/{customer.MemberId}/points/adjustments",
                new { points = 25, reason = "Goodwill", requestId = Guid.NewGuid() });
        }),
        ["POST /api/admin/orders/{outTradeNo}/refunds"] = new(AuditActions.RefundRequest, async c =>
        {
            var customer = await Shop.CustomerAsync(factory);
            var paid = await Shop.PayAsync(factory, await Shop.OrderAsync(customer.Client, 5_000));
            await Shop.EventuallyAsync(() => Shop.PaymentRecordedAsync(factory, paid.TransactionId));
            return new Call(HttpMethod.Post, $"/api/admin/orders/{paid.OutTradeNo}/refunds", new { amountFen = 1_000, reason = "returned" });
        }),
        ["POST /api/admin/programme/versions"] = new(AuditActions.ProgrammeVersionCreate, _ =>
            Task.FromResult(new Call(HttpMethod.Post, "/api/admin/programme/versions", new { preset = "mall", effectiveFrom = "2099-01-01" }))),
        ["POST /api/admin/stores"] = new(AuditActions.StoreCreate, _ =>
            Task.FromResult(new Call(HttpMethod.Post, "/api/admin/stores", new { code = NewCode("A"), name = "Audit store", city = "Shanghai" }))),
        ["PUT /api/admin/stores/{id:long}"] = new(AuditActions.StoreUpdate, async c =>
            new Call(HttpMethod.Put, $"/api/admin/stores/{await StoreAsync()}", new { name = "Renamed", city = "Hangzhou", isActive = true })),
        ["POST /api/admin/stores/{id:long}/staff"] = new(AuditActions.StaffCreate, async c =>
            new Call(HttpMethod.Post, $"/api/admin/stores/{await StoreAsync()}/staff", new { code = "C9", name = "New clerk" })),
        ["PUT /api/admin/stores/{id:long}/staff/{staffId:long}"] = new(AuditActions.StaffUpdate, async c =>
        {
            var store = await StoreAsync();
            var staff = await factory.WithDbAsync(db => db.Staff.Where(s => s.StoreId == store).Select(s => s.Id).SingleAsync());
            return new Call(HttpMethod.Put, $"/api/admin/stores/{store}/staff/{staff}", new { code = "C1", name = "Renamed clerk", isActive = false });
        }),
        ["POST /api/admin/stores/{id:long}/oa-qrcode"] = new(AuditActions.StoreOaQrCode, async c =>
            new Call(HttpMethod.Post, $"/api/admin/stores/{await StoreAsync()}/oa-qrcode")),
        ["POST /api/pos/purchases"] = new(AuditActions.PosPurchase, async c =>
        {
            var customer = await Shop.CustomerAsync(factory);
            var paid = await Shop.PayInStoreAsync(factory, customer.User, 12_300);
            var code = (await customer.Client.GetFromJsonAsync<JsonElement>("/api/members/me/code")).GetProperty("code").GetString();
            var storeId = await StoreAsync();
            var storeCode = await factory.WithDbAsync(db => db.Stores.Where(s => s.Id == storeId).Select(s => s.Code).SingleAsync());
            return new Call(HttpMethod.Post, "/api/pos/purchases", new { memberCode = code, transactionId = paid.TransactionId, storeCode });
        }),
    };

    [Fact]
    public async Task EveryMutatingConsoleEndpoint_IsAuditedOrProvablyWritesNothing()
    {
        var mutating = EndpointCatalog.Of(factory.Services)
            .Where(e => !e.Anonymous && e.IsConsole && Mutating.Contains(e.Method)).Select(e => e.Name).ToHashSet();
        var scenarios = Scenarios;
        Assert.True(mutating.SetEquals(scenarios.Keys.Concat(NotChanges.Keys)),
            $"Give these a scenario or a reason they change nothing: {string.Join(", ", mutating.Except(scenarios.Keys).Except(NotChanges.Keys))}; "
            + $"listed but gone: {string.Join(", ", scenarios.Keys.Concat(NotChanges.Keys).Except(mutating))}");

        var (admin, adminName) = await AdminAsync();
        var context = new Context(admin, adminName);
        var failures = new List<string>();
        foreach (var (endpoint, scenario) in scenarios)
        {
            var call = await scenario.Arrange(context);
            var lastId = await factory.WithDbAsync(db => db.AuditLog.MaxAsync(a => (long?)a.Id)) ?? 0;
            using var response = await SendAsync(admin, call);
            var entries = await factory.WithDbAsync(db => db.AuditLog.AsNoTracking().Where(a => a.Id > lastId).ToListAsync());
            output.WriteLine($"{endpoint} → {(int)response.StatusCode}: {string.Join("; ", entries.Select(e => $"{e.Action} {e.EntityType}:{e.EntityId}"))}");
            if (!response.IsSuccessStatusCode)
            {
                failures.Add($"{endpoint}: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
                continue;
            }
            var entry = entries.SingleOrDefault(e => e.Action == scenario.Action);
            if (entry is null) failures.Add($"{endpoint}: no single '{scenario.Action}' audit entry (got {string.Join(", ", entries.Select(e => e.Action))})");
            else if (entry.Actor != adminName) failures.Add($"{endpoint}: actor '{entry.Actor}', expected '{adminName}'");
            else if (entry.AfterJson is null && entry.BeforeJson is null) failures.Add($"{endpoint}: neither before nor after recorded");
            else if (entry.EntityId is null) failures.Add($"{endpoint}: the entry names no record");
        }

        foreach (var endpoint in EndpointCatalog.Of(factory.Services).Where(e => NotChanges.ContainsKey(e.Name) && e.Name != "DELETE /api/admin/session"))
        {
            var customer = await Shop.CustomerAsync(factory);
            var baseline = await TableRows.CountAsync(factory.DatabaseConnectionString);
            using var response = await SendAsync(admin, endpoint.Route switch
            {
                "/api/admin/segments/preview" => new Call(HttpMethod.Post, endpoint.Route, new { definition = new { type = "tier", @in = new[] { "gold" } } }),
                _ => new Call(HttpMethod.Post, endpoint.Path(_ => MessageKinds.PointsExpiring), new { memberId = customer.MemberId }),
            });
            var changed = TableRows.Changed(baseline, await TableRows.CountAsync(factory.DatabaseConnectionString));
            if (!response.IsSuccessStatusCode) failures.Add($"{endpoint.Name}: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
            if (changed.Count > 0) failures.Add($"{endpoint.Name} is listed as no change but wrote {string.Join(", ", changed)}");
        }
        Assert.True(failures.Count == 0, string.Join("\n", failures));
    }

    private async Task<(HttpClient Client, string Name)> AdminAsync()
    {
        var user = await ConsoleAccounts.CreateAsync(factory, "audit-" + Guid.NewGuid().ToString("N")[..10], AdminRole.Admin);
        var client = factory.CreateClient();
        (await client.PostAsJsonAsync("/api/admin/session", new { user.UserName, ConsoleAccounts.Password })).EnsureSuccessStatusCode();
        return (client, user.UserName);
    }

    private static Task<HttpResponseMessage> SendAsync(HttpClient client, Call call)
    {
        var request = new HttpRequestMessage(call.Method, call.Path);
        if (call.Body is not null) request.Content = JsonContent.Create(call.Body);
        else if (call.Method != HttpMethod.Delete) request.Content = JsonContent.Create(new { });
        return client.SendAsync(request);
    }

    private static object SegmentBody() =>
        new { name = "Audit " + Guid.NewGuid().ToString("N")[..8], definition = new { type = "tier", @in = new[] { "gold" } } };

    private static object CampaignBody(long segmentId, string name = "Audit campaign") =>
        new { name, segmentId, templateId = "TPL_AUDIT", fields = new Dictionary<string, string> { ["first"] = "{name}" } };

    private static object PromotionBody() =>
        new { name = "Double days", startsOn = "2099-01-01", endsOn = "2099-01-02", multiplier = 2 };

    private static readonly object TemplateBody = new
    {
        oaTemplateId = "OA_expiring_1", oaFields = new Dictionary<string, string> { ["thing1"] = "{points}积分将于{date}到期" }, page = "pages/points/index",
    };

    private static async Task<long> SegmentAsync(Context c) => await IdOfAsync(c.Admin.PostAsJsonAsync("/api/admin/segments", SegmentBody()));

    private async Task<long> CampaignAsync(Context c, long? segment = null, CampaignStatus status = CampaignStatus.Draft)
    {
        var id = await IdOfAsync(c.Admin.PostAsJsonAsync("/api/admin/campaigns", CampaignBody(segment ?? await SegmentAsync(c))));
        // The states the fan-out moves a campaign to are set directly: no send runs behind the test's back.
        if (status != CampaignStatus.Draft)
            await factory.WithDbAsync(db => db.Campaigns.Where(x => x.Id == id).ExecuteUpdateAsync(s => s.SetProperty(x => x.Status, status)));
        return id;
    }

    private Task<long> StoreAsync() => factory.WithDbAsync(async db =>
    {
        var store = new Store { Code = NewCode("S"), Name = "Audit store", City = "上海", IsActive = true, CreatedAt = DateTime.UtcNow };
        store.Staff.Add(new Staff { Code = "C1", Name = "Clerk", IsActive = true, CreatedAt = DateTime.UtcNow });
        db.Stores.Add(store);
        await db.SaveChangesAsync();
        return store.Id;
    });

    private static string NewCode(string prefix) => prefix + Guid.NewGuid().ToString("N")[..7].ToUpperInvariant();

    private static async Task<long> IdOfAsync(Task<HttpResponseMessage> created)
    {
        var response = await created;
        response.EnsureSuccessStatusCode();
        return (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetInt64();
    }
}
