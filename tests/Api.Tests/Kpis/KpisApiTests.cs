using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using WechatLoyalty.Api.Tests.Infrastructure;
using WechatLoyalty.Domain.Admin;

namespace WechatLoyalty.Api.Tests.Kpis;

/// <summary>The API on the hand-built programme of <see cref="KpiData"/>, seeded once per class.</summary>
public sealed class KpiFactory : LoyaltyApiFactory
{
    private Task<KpiData>? _data;

    internal Task<KpiData> Data => _data ??= KpiData.SeedAsync(this);
}

/// <summary>Every expected value is worked out by hand from KpiData (October 2026, Shanghai days).</summary>
public class KpisApiTests(KpiFactory factory) : IClassFixture<KpiFactory>
{
    private const string October = "from=2026-10-01&to=2026-10-31";

    private async Task<JsonElement> GetAsync(string panel, string query, AdminRole role = AdminRole.Marketing, long? store = null)
    {
        await factory.Data;
        var client = await ConsoleAccounts.SignedInClientAsync(factory, role, store);
        var response = await client.GetAsync($"/api/admin/kpis/{panel}?{query}");
        Assert.True(response.IsSuccessStatusCode, $"{response.StatusCode}: {await response.Content.ReadAsStringAsync()}");
        return await response.Content.ReadFromJsonAsync<JsonElement>();
    }

    private static decimal? Figure(JsonElement panel, string nameEn)
    {
        var figure = panel.GetProperty("figures").EnumerateArray().Single(f => f.GetProperty("nameEn").GetString() == nameEn);
        var value = figure.GetProperty("value");
        return value.ValueKind == JsonValueKind.Null ? null : value.GetDecimal();
    }

    private static Dictionary<string, decimal?> Series(JsonElement panel, string nameEn) =>
        panel.GetProperty("series").EnumerateArray().Single(s => s.GetProperty("nameEn").GetString() == nameEn)
            .GetProperty("points").EnumerateArray()
            .ToDictionary(p => p.GetProperty("x").GetString()!, p => p.GetProperty("y").ValueKind == JsonValueKind.Null ? (decimal?)null : p.GetProperty("y").GetDecimal());

    [Fact]
    public async Task List_NamesEveryPanelWithBothLanguages()
    {
        var client = await ConsoleAccounts.SignedInClientAsync(factory, AdminRole.Marketing);

        var list = await client.GetFromJsonAsync<JsonElement>("/api/admin/kpis");

        var ids = list.EnumerateArray().Select(p => p.GetProperty("id").GetString()).ToList();
        Assert.Equal(["member-growth", "member-growth-by-store", "member-growth-by-source", "active-members", "lifecycle-stages",
            "repurchase-rate", "churn", "purchase-frequency", "aov", "arpu", "points", "referral-funnel", "campaign-delivery"], ids);
        Assert.All(list.EnumerateArray(), p =>
        {
            Assert.False(string.IsNullOrWhiteSpace(p.GetProperty("title").GetString()));
            Assert.False(string.IsNullOrWhiteSpace(p.GetProperty("definition").GetString()));
            Assert.False(string.IsNullOrWhiteSpace(p.GetProperty("definitionEn").GetString()));
        });
    }

    [Fact]
    public async Task MemberGrowth_CountsJoinsAndDeletionsByShanghaiDay()
    {
        var all = await GetAsync("member-growth", October);
        var a = await GetAsync("member-growth", $"{October}&storeId={(await factory.Data).StoreA}");

        // Start: m1 m5 m6 m7 m8; joined m2, m3 (23:30 on 31 Oct; m4 at 00:10 on 1 Nov is out); deleted m8.
        Assert.Equal(5, Figure(all, "Members at start"));
        Assert.Equal(2, Figure(all, "New members"));
        Assert.Equal(1, Figure(all, "Deleted accounts"));
        Assert.Equal(6, Figure(all, "Members at end"));
        Assert.Equal(40.0m, Figure(all, "Growth rate"));
        var daily = Series(all, "New members");
        Assert.Equal(31, daily.Count);
        Assert.Equal(1, daily["2026-10-05"]);
        Assert.Equal(1, daily["2026-10-31"]);
        Assert.Equal(2, daily.Values.Sum());
        // Store A: m1 m5 m8 at start, m2 joins, m8 deletes.
        Assert.Equal(3, Figure(a, "Members at start"));
        Assert.Equal(1, Figure(a, "New members"));
        Assert.Equal(3, Figure(a, "Members at end"));
    }

    [Fact]
    public async Task MemberGrowth_BucketsByIsoWeekAndMonth()
    {
        var weekly = Series(await GetAsync("member-growth", $"{October}&grain=week"), "New members");
        var monthly = Series(await GetAsync("member-growth", "from=2026-09-01&to=2026-10-31&grain=month"), "New members");

        // 1 Oct 2026 is a Thursday: weeks start on Mondays 28 Sep, 5, 12, 19 and 26 Oct.
        Assert.Equal(["2026-09-28", "2026-10-05", "2026-10-12", "2026-10-19", "2026-10-26"], weekly.Keys);
        Assert.Equal(1, weekly["2026-10-05"]);
        Assert.Equal(1, weekly["2026-10-26"]);
        Assert.Equal(new Dictionary<string, decimal?> { ["2026-09-01"] = 1, ["2026-10-01"] = 2 }, monthly);
    }

    [Fact]
    public async Task MemberGrowth_BySourceAndByStore()
    {
        var data = await factory.Data;
        var sources = await GetAsync("member-growth-by-source", October);
        var stores = await GetAsync("member-growth-by-store", October);

        Assert.Equal(1, Figure(sources, "Referral"));
        Assert.Equal(1, Figure(sources, "Official-account QR"));
        Assert.Equal(0, Figure(sources, "Store QR"));
        Assert.Equal(0, Figure(sources, "Organic"));
        var rows = stores.GetProperty("table").GetProperty("rows").EnumerateArray()
            .ToDictionary(r => r[1].GetString()!, r => (New: r[2].GetInt64(), Total: r[3].GetInt64()));
        Assert.Equal((1, 3), rows["南京西路店"]);      // m2 new; m1 m2 m5 at end
        Assert.Equal((1, 3), rows["Store, \"B\""]);   // m3 new; m3 m6 m7 at end
        _ = data;
    }

    [Fact]
    public async Task RepurchaseFrequencyAndArpu_CountPaidPurchasesOnly()
    {
        var repurchase = await GetAsync("repurchase-rate", October);
        var frequency = await GetAsync("purchase-frequency", October);
        var arpu = await GetAsync("arpu", October);

        // m1: 200 + 300 CNY (23:30 on 31 Oct in, 00:10 on 1 Nov out); m2: 50 − 10 refunded; m2's fully refunded 80 is not a purchase.
        Assert.Equal(2, Figure(repurchase, "Buying members"));
        Assert.Equal(1, Figure(repurchase, "Repeat buyers"));
        Assert.Equal(50.0m, Figure(repurchase, "Repurchase rate"));
        Assert.Equal(1.5m, Figure(frequency, "Purchase frequency"));
        Assert.Equal(3, Figure(frequency, "Paid purchases"));
        Assert.Equal(540.00m, Figure(arpu, "Members' net spend"));
        Assert.Equal(90.00m, Figure(arpu, "ARPU"));       // 540 / 6 members at end
        Assert.Equal(270.00m, Figure(arpu, "ARPPU"));     // 540 / 2 buyers
    }

    [Fact]
    public async Task Aov_SplitsMembersFromNonMembers_AndFiltersByPaymentStore()
    {
        var data = await factory.Data;
        var all = await GetAsync("aov", October);
        var a = await GetAsync("aov", $"{October}&storeId={data.StoreA}");
        var b = await GetAsync("aov", $"{October}&storeId={data.StoreB}");

        Assert.Equal(180.00m, Figure(all, "Member AOV"));      // (200 + 300 + 40) / 3
        Assert.Equal(30.50m, Figure(all, "Non-member AOV"));   // (60 + 1) / 2
        Assert.Equal(89.9m, Figure(all, "Member share of sales"));
        Assert.Equal(180.00m, Figure(a, "Member AOV"));
        Assert.Equal(60.00m, Figure(a, "Non-member AOV"));
        Assert.Null(Figure(b, "Member AOV"));
        Assert.Equal(1.00m, Figure(b, "Non-member AOV"));
    }

    [Fact]
    public async Task DateBoundaries_AreShanghaiDays()
    {
        var lastDay = await GetAsync("aov", "from=2026-10-31&to=2026-10-31");
        var nextDay = await GetAsync("aov", "from=2026-11-01&to=2026-11-01");

        Assert.Equal(1, Figure(lastDay, "Member purchases"));   // 23:30 Shanghai on 31 Oct
        Assert.Equal(300.00m, Figure(lastDay, "Member AOV"));
        Assert.Equal(1, Figure(nextDay, "Member purchases"));   // 00:10 Shanghai on 1 Nov
        Assert.Equal(999.00m, Figure(nextDay, "Member AOV"));
    }

    [Fact]
    public async Task ChurnAndLifecycle_FollowTheRules()
    {
        var data = await factory.Data;
        var churn = await GetAsync("churn", October);
        var stages = await GetAsync("lifecycle-stages", October);
        var storeB = await GetAsync("lifecycle-stages", $"{October}&storeId={data.StoreB}");
        var active = await GetAsync("active-members", October);

        // Previous 31 days: m1 and m5 bought; m5 did not buy in October.
        Assert.Equal(2, Figure(churn, "Buyers in previous period"));
        Assert.Equal(1, Figure(churn, "Churned members"));
        Assert.Equal(50.0m, Figure(churn, "Churn rate"));
        // Per bucket, each against the whole bucket before: September's buyers m1 m5, October's m1.
        var monthly = Series(await GetAsync("churn", $"{October}&grain=month"), "Churn rate");
        var daily = Series(await GetAsync("churn", October), "Churn rate");
        Assert.Equal(50.0m, monthly["2026-10-01"]);
        Assert.Null(daily["2026-10-10"]);          // nobody bought on 9 Oct
        Assert.Equal(100.0m, daily["2026-10-11"]); // m1 bought on 10 Oct, not on 11 Oct
        Assert.Equal(100.0m, daily["2026-10-07"]); // m2 bought on 6 Oct (the refunded 7 Oct purchase does not count)
        Assert.Null(daily["2026-10-31"]);          // nobody bought on 30 Oct
        // At the end of 31 Oct: new m2 m3; active m1 m5; dormant m6 (last bought 15 Jun); lost m7; m8 deleted, m4 not yet joined.
        Assert.Equal((2m, 2m, 1m, 1m), (Figure(stages, "New")!.Value, Figure(stages, "Active")!.Value, Figure(stages, "Dormant")!.Value, Figure(stages, "Lost")!.Value));
        Assert.Equal((1m, 0m, 1m, 1m), (Figure(storeB, "New")!.Value, Figure(storeB, "Active")!.Value, Figure(storeB, "Dormant")!.Value, Figure(storeB, "Lost")!.Value));
        Assert.Equal(3, Figure(active, "Active members"));   // m1 m5 and the new m2 bought in the last 90 days
        Assert.Equal(6, Figure(active, "Members at end"));
        Assert.Equal(50.0m, Figure(active, "Active rate"));
    }

    [Fact]
    public async Task Points_IssuedRedeemedExpiredAndLiability()
    {
        var points = await GetAsync("points", October);
        var a = await GetAsync("points", $"{October}&storeId={(await factory.Data).StoreA}");

        Assert.Equal(565, Figure(points, "Points issued"));      // 200 + 300 pending + 50 + 15 manual
        Assert.Equal(30, Figure(points, "Points redeemed"));     // 50 − 20 released
        Assert.Equal(10, Figure(points, "Points expired"));
        Assert.Equal(15, Figure(points, "Points reversed"));     // refund 10 + manual 5
        Assert.Equal(610, Figure(points, "Points outstanding")); // 270 + 300 pending (m1) + 40 (m2); the 999 of 1 Nov is after
        Assert.Equal(300, Figure(points, "of which pending"));
        Assert.Equal(61.00m, Figure(points, "Points liability"));
        Assert.Equal(610, Figure(a, "Points outstanding"));      // m1 and m2 joined at store A
    }

    [Fact]
    public async Task ReferralFunnel_AndCampaigns_CountFromTheMergedTables_WhichHoldNothingForOctober()
    {
        // Referrals and messages are merged: their tables exist, so the steps are counted (none were seeded here).
        var referral = await GetAsync("referral-funnel", October);
        var campaigns = await GetAsync("campaign-delivery", October);

        Assert.Equal(0, Figure(referral, "Cards opened"));
        Assert.Equal(1, Figure(referral, "Joined"));
        Assert.Equal(1, Figure(referral, "First purchase"));
        Assert.True(!referral.TryGetProperty("noteEn", out var note) || note.ValueKind == System.Text.Json.JsonValueKind.Null);
        Assert.True(campaigns.GetProperty("available").GetBoolean());
        Assert.Empty(campaigns.GetProperty("table").GetProperty("rows").EnumerateArray());
    }

    [Fact]
    public async Task StoreManager_SeesOwnStore_And403ForAnother()
    {
        var data = await factory.Data;
        var manager = await ConsoleAccounts.SignedInClientAsync(factory, AdminRole.StoreManager, data.StoreA);

        var own = await manager.GetFromJsonAsync<JsonElement>($"/api/admin/kpis/member-growth?{October}");
        var other = await manager.GetAsync($"/api/admin/kpis/member-growth?{October}&storeId={data.StoreB}");
        var otherCsv = await manager.GetAsync($"/api/admin/kpis/aov.csv?{October}&storeId={data.StoreB}");

        Assert.Equal(data.StoreA, own.GetProperty("storeId").GetInt64());
        Assert.Equal(1, Figure(own, "New members"));
        Assert.Equal(HttpStatusCode.Forbidden, other.StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, otherCsv.StatusCode);
    }

    [Fact]
    public async Task Clerk_IsRefused_AndAnonymousIs401()
    {
        var data = await factory.Data;
        var clerk = await ConsoleAccounts.SignedInClientAsync(factory, AdminRole.Clerk, data.StoreA);

        Assert.Equal(HttpStatusCode.Forbidden, (await clerk.GetAsync("/api/admin/kpis")).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await clerk.GetAsync($"/api/admin/kpis/aov?{October}")).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await factory.CreateClient().GetAsync($"/api/admin/kpis/aov?{October}")).StatusCode);
    }

    [Theory]
    [InlineData("aov?from=2026-10-31&to=2026-10-01", 400)]
    [InlineData("aov?from=2026-13-01&to=2026-10-01", 400)]
    [InlineData("aov?from=2026-10-01&to=2026-10-31&grain=year", 400)]
    [InlineData("aov?from=2025-01-01&to=2026-10-31&grain=day", 400)]
    [InlineData("aov?from=2026-10-01&to=2026-10-31&storeId=abc", 400)]
    [InlineData("aov?from=2026-10-01&to=2026-10-31&storeId=999999", 404)]
    [InlineData("no-such-panel?from=2026-10-01&to=2026-10-31", 404)]
    public async Task BadQueries_AreProblemDetails(string path, int status)
    {
        var admin = await ConsoleAccounts.SignedInClientAsync(factory, AdminRole.Admin);

        var response = await admin.GetAsync($"/api/admin/kpis/{path}");

        Assert.Equal(status, (int)response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
    }

    [Fact]
    public async Task Csv_IsUtf8WithBom_AndQuotesCells()
    {
        await factory.Data;
        var admin = await ConsoleAccounts.SignedInClientAsync(factory, AdminRole.Admin);

        var response = await admin.GetAsync($"/api/admin/kpis/member-growth-by-store.csv?{October}");
        var bytes = await response.Content.ReadAsByteArrayAsync();
        var text = Encoding.UTF8.GetString(bytes, 3, bytes.Length - 3);
        var lines = text.Split("\r\n", StringSplitOptions.RemoveEmptyEntries);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("text/csv", response.Content.Headers.ContentType?.MediaType);
        Assert.Equal([0xEF, 0xBB, 0xBF], bytes[..3]);
        Assert.Equal("门店编码 (Store code),门店 (Store),新会员 (New members),期末会员 (Members at end)", lines[0]);
        Assert.Contains(lines, l => l.EndsWith(",南京西路店,1,3", StringComparison.Ordinal));
        Assert.Contains(lines, l => l.EndsWith(",\"Store, \"\"B\"\"\",1,3", StringComparison.Ordinal));
    }
}
