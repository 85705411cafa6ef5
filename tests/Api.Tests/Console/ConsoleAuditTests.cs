using System.Net.Http.Json;
using System.Reflection;
using System.Text.Json;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.EntityFrameworkCore;
using WechatLoyalty.Api.Tests.Infrastructure;
using WechatLoyalty.Domain.Admin;
using WechatLoyalty.Domain.Campaigns;
using WechatLoyalty.Domain.Messaging;
using Xunit.Abstractions;

namespace WechatLoyalty.Api.Tests.Console;

/// <summary>
/// The console's own form posts are audited like the JSON API: every page handler that takes a POST is found by
/// reflection and must either have a scenario here (a real form post with its antiforgery token, and the audit
/// entry it must leave naming the signed-in user), be covered by the named test through the same audited method, or
/// be a read (preview, count, look-up, sign-in/out). A new handler fails the first test until it is placed.
/// </summary>
public partial class ConsoleAuditTests(LoyaltyApiFactory factory, ITestOutputHelper output) : IClassFixture<LoyaltyApiFactory>
{
    /// <summary>Handlers that change nothing.</summary>
    private static readonly Dictionary<string, string> Reads = new()
    {
        ["SignInModel.OnPostAsync"] = "sign-in (failures counted for lock-out, which is not an admin change)",
        ["SignOutModel.OnPostAsync"] = "sign-out",
        ["SegmentEditModel.OnPostPreviewAsync"] = "counts the audience of the definition being edited",
        ["SegmentListModel.OnPostSizeAsync"] = "counts a saved segment's audience",
        ["TemplateEditModel.OnPostPreviewAsync"] = "renders a message; nothing is sent",
        ["ClerkModel.OnPostLookupAsync"] = "looks a member up by dynamic code",
    };

    /// <summary>Handlers that call an audited method whose form post another test drives, and that test.</summary>
    private static readonly Dictionary<string, string> CoveredElsewhere = new()
    {
        ["MemberDetailModel.OnPostAdjustAsync"] = "PointsApi.AdjustAuditedAsync; ConsoleBrowserTests and AuditTrailTests",
        ["MemberDetailModel.OnPostRefundAsync"] = "RefundService.RequestAsync audits; AuditCoverageTests (refunds)",
        ["StoresModel.OnPostCreateStoreAsync"] = "StoresApi.Create; AuditCoverageTests, AuditTrailTests",
        ["StoresModel.OnPostUpdateStoreAsync"] = "StoresApi.Update; AuditCoverageTests, AuditTrailTests",
        ["StoresModel.OnPostAddStaffAsync"] = "StoresApi.AddStaff; AuditCoverageTests",
        ["StoresModel.OnPostToggleStaffAsync"] = "StoresApi.UpdateStaff; AuditCoverageTests",
        ["ProgrammeModel.OnPostAsync"] = "ProgrammeSettingsApi.Create; AuditCoverageTests",
        ["ImportsModel.OnPostAsync"] = "MemberImportService audits the import when it is applied; ConsoleBrowserTests import",
        ["ClerkModel.OnPostRecordAsync"] = "PosPurchasesApi.Record; AuditCoverageTests (pos purchases)",
    };

    private sealed record FormPost(string Page, string Handler, Dictionary<string, string> Fields);

    private sealed record Scenario(string Action, Func<HttpClient, Task<FormPost>> Arrange);

    private Dictionary<string, Scenario> Scenarios => new()
    {
        ["CampaignComposeModel.OnPostAsync"] = new(AuditActions.CampaignCreate, async admin => new FormPost("/console/campaigns/compose", "", new()
        {
            ["Input.Name"] = "Console campaign", ["Input.SegmentId"] = (await SegmentAsync(admin)).ToString(), ["Input.MessageKind"] = "Campaign",
            ["Input.TemplateId"] = "TPL_CONSOLE", ["Input.FieldKeys[0]"] = "first", ["Input.FieldValues[0]"] = "{name}", ["Input.RewardPoints"] = "0",
            ["Input.HoldoutPercent"] = "5", ["Input.When"] = "draft",
        })),
        ["CampaignDetailModel.OnPostScheduleAsync"] = Move(AuditActions.CampaignSchedule, "schedule", CampaignStatus.Draft),
        ["CampaignDetailModel.OnPostUnscheduleAsync"] = Move(AuditActions.CampaignUnschedule, "unschedule", CampaignStatus.Scheduled),
        ["CampaignDetailModel.OnPostPauseAsync"] = Move(AuditActions.CampaignPause, "pause", CampaignStatus.Sending),
        ["CampaignDetailModel.OnPostResumeAsync"] = Move(AuditActions.CampaignResume, "resume", CampaignStatus.Paused),
        ["CampaignDetailModel.OnPostCancelAsync"] = Move(AuditActions.CampaignCancel, "cancel", CampaignStatus.Draft),
        ["SegmentEditModel.OnPostSaveAsync"] = new(AuditActions.SegmentUpdate, async admin => new FormPost($"/console/segments/edit/{await SegmentAsync(admin)}", "save",
            new() { ["Name"] = "Edited " + Guid.NewGuid().ToString("N")[..6], ["Definition"] = """{ "type": "followsOa", "value": true }""" })),
        ["SegmentListModel.OnPostDeleteAsync"] = new(AuditActions.SegmentDelete, async admin =>
            new FormPost("/console/segments", "delete", new() { ["id"] = (await SegmentAsync(admin)).ToString() })),
        ["PromotionsModel.OnPostCreateAsync"] = new(AuditActions.PromotionCreate, _ => Task.FromResult(new FormPost("/console/promotions", "create", new()
        {
            ["Input.Name"] = "Console double days", ["Input.StartsOn"] = "2099-03-01", ["Input.EndsOn"] = "2099-03-02", ["Input.Multiplier"] = "2",
        }))),
        ["PromotionsModel.OnPostCancelAsync"] = new(AuditActions.PromotionCancel, async admin =>
        {
            var created = await admin.PostAsJsonAsync("/api/admin/promotions", new { name = "To cancel", startsOn = "2099-04-01", endsOn = "2099-04-01", multiplier = 2 });
            created.EnsureSuccessStatusCode();
            var id = (await created.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetInt64();
            return new FormPost("/console/promotions", "cancel", new() { ["id"] = id.ToString() });
        }),
        ["TemplateEditModel.OnPostSaveAsync"] = new(AuditActions.TemplateSave, _ => Task.FromResult(new FormPost($"/console/templates/{MessageKinds.Birthday}", "save", new()
        {
            ["OaTemplateId"] = "OA_birthday_1", ["OaFields"] = "thing1={nickname}", ["PagePath"] = "pages/index/index", ["Enabled"] = "true",
        }))),
    };

    [Fact]
    public void EveryPostHandler_IsAuditedOrARead()
    {
        var handlers = typeof(Program).Assembly.GetTypes().Where(t => t.IsSubclassOf(typeof(PageModel)) && !t.IsAbstract)
            .SelectMany(t => t.GetMethods(BindingFlags.Public | BindingFlags.Instance | BindingFlags.DeclaredOnly)
                .Where(m => m.Name.StartsWith("OnPost", StringComparison.Ordinal)).Select(m => $"{t.Name}.{m.Name}"))
            .ToHashSet();
        var placed = Scenarios.Keys.Concat(Reads.Keys).Concat(CoveredElsewhere.Keys).ToList();

        Assert.True(handlers.SetEquals(placed), $"Place these handlers: {string.Join(", ", handlers.Except(placed))}; gone: {string.Join(", ", placed.Except(handlers))}");
    }

    [Fact]
    public async Task EveryChangingFormPost_LeavesItsAuditEntry_NamingTheConsoleUser()
    {
        var name = "console-" + Guid.NewGuid().ToString("N")[..10];
        await ConsoleAccounts.CreateAsync(factory, name, AdminRole.Admin);
        var admin = factory.CreateClient();
        (await admin.PostAsJsonAsync("/api/admin/session", new { UserName = name, ConsoleAccounts.Password })).EnsureSuccessStatusCode();
        var failures = new List<string>();
        foreach (var (handler, scenario) in Scenarios)
        {
            var post = await scenario.Arrange(admin);
            var lastId = await factory.WithDbAsync(db => db.AuditLog.MaxAsync(a => (long?)a.Id)) ?? 0;
            var status = await PostFormAsync(admin, post);
            var entries = await factory.WithDbAsync(db => db.AuditLog.AsNoTracking().Where(a => a.Id > lastId).ToListAsync());
            output.WriteLine($"{handler} → {status}: {string.Join("; ", entries.Select(e => $"{e.Action} by {e.Actor}"))}");
            if (entries.SingleOrDefault(e => e.Action == scenario.Action) is not { } entry) failures.Add($"{handler} ({status}): no '{scenario.Action}' entry");
            else if (entry.Actor != name) failures.Add($"{handler}: actor '{entry.Actor}'");
        }
        Assert.True(failures.Count == 0, string.Join("\n", failures));

        // The audit page offers the new actions and filters by them.
        var filtered = await admin.GetStringAsync($"/console/audit?action={AuditActions.SegmentDelete}");
        Assert.Contains($"<option value=\"{AuditActions.PromotionCancel}\">", filtered);
        Assert.Contains($"<td>{AuditActions.SegmentDelete}</td>", filtered);
        Assert.DoesNotContain($"<td>{AuditActions.CampaignCreate}</td>", filtered);
    }

    private Scenario Move(string action, string handler, CampaignStatus from) => new(action, async admin =>
    {
        var created = await admin.PostAsJsonAsync("/api/admin/campaigns", new
        {
            name = "Move " + handler, segmentId = await SegmentAsync(admin), templateId = "TPL", fields = new Dictionary<string, string> { ["first"] = "{name}" },
        });
        created.EnsureSuccessStatusCode();
        var id = (await created.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetInt64();
        if (from != CampaignStatus.Draft)
            await factory.WithDbAsync(db => db.Campaigns.Where(c => c.Id == id).ExecuteUpdateAsync(s => s.SetProperty(c => c.Status, from)));
        return new FormPost($"/console/campaigns/{id}", handler, []);
    });

    private static async Task<long> SegmentAsync(HttpClient admin)
    {
        var created = await admin.PostAsJsonAsync("/api/admin/segments",
            new { name = "Console " + Guid.NewGuid().ToString("N")[..8], definition = new { type = "tier", @in = new[] { "gold" } } });
        created.EnsureSuccessStatusCode();
        return (await created.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetInt64();
    }

    /// <summary>Loads the page (for its antiforgery token, as a browser would), then posts the form to the handler.</summary>
    private static async Task<int> PostFormAsync(HttpClient client, FormPost post)
    {
        var page = await client.GetStringAsync(post.Page);
        var token = TokenField().Match(page) is { Success: true } m ? m.Groups[1].Value : throw new InvalidOperationException($"No antiforgery token on {post.Page}");
        var fields = new Dictionary<string, string>(post.Fields) { ["__RequestVerificationToken"] = token };
        var url = post.Handler.Length == 0 ? post.Page : $"{post.Page}?handler={post.Handler}";
        using var response = await client.PostAsync(url, new FormUrlEncodedContent(fields));
        return (int)response.StatusCode;
    }

    [GeneratedRegex("name=\"__RequestVerificationToken\" type=\"hidden\" value=\"([^\"]+)\"")]
    private static partial Regex TokenField();
}
