using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using WechatLoyalty.Api.Demo;
using WechatLoyalty.Api.Tests.Infrastructure;
using WechatLoyalty.Domain.Admin;
using Xunit.Abstractions;

namespace WechatLoyalty.Api.Tests.Kpis;

/// <summary>
/// Every panel over the demo programme (300 members, 18 months of purchases, as ./run.sh seeds it): each answers,
/// with data where the demo has some. The time of each is written to the test output (bench/results/kpis.md).
/// </summary>
public class KpisOnDemoDataTests(KpisOnDemoDataTests.Factory factory, ITestOutputHelper output)
    : IClassFixture<KpisOnDemoDataTests.Factory>, IAsyncLifetime
{
    public class Factory : LoyaltyApiFactory
    {
        private Task? _seeded;

        protected override IEnumerable<KeyValuePair<string, string?>> Settings => [new("Demo:Members", "300")];

        internal Task SeedOnceAsync() => _seeded ??= SeedAsync();

        private async Task SeedAsync()
        {
            await using var scope = Services.CreateAsyncScope();
            await scope.ServiceProvider.GetRequiredService<DemoSeeder>().SeedAsync(CancellationToken.None);
        }
    }

    public Task InitializeAsync() => factory.SeedOnceAsync();

    public Task DisposeAsync() => Task.CompletedTask;

    [Fact]
    public async Task EveryPanel_AnswersOnTheDemoData()
    {
        var client = await ConsoleAccounts.SignedInClientAsync(factory, AdminRole.Marketing);
        var panels = (await client.GetFromJsonAsync<JsonElement>("/api/admin/kpis")).EnumerateArray().Select(p => p.GetProperty("id").GetString()!).ToList();
        var to = DateOnly.FromDateTime(DateTime.UtcNow);
        string[] queries = [$"from={to.AddDays(-29):yyyy-MM-dd}&to={to:yyyy-MM-dd}&grain=day", $"from={to.AddDays(-364):yyyy-MM-dd}&to={to:yyyy-MM-dd}&grain=month"];
        var results = new Dictionary<string, JsonElement>();

        foreach (var id in panels)
        {
            foreach (var query in queries)
            {
                var watch = Stopwatch.StartNew();
                var response = await client.GetAsync($"/api/admin/kpis/{id}?{query}");
                watch.Stop();
                Assert.True(response.StatusCode == HttpStatusCode.OK, $"{id}: {response.StatusCode} {await response.Content.ReadAsStringAsync()}");
                results[$"{id}?{query}"] = await response.Content.ReadFromJsonAsync<JsonElement>();
                output.WriteLine($"{id,-24} {(query.EndsWith("day", StringComparison.Ordinal) ? "30 days/day" : "365 days/month"),-16} {watch.Elapsed.TotalMilliseconds,8:0} ms");
            }
        }

        var year = queries[1];
        decimal Figure(string id, string nameEn) => results[$"{id}?{year}"].GetProperty("figures").EnumerateArray()
            .Single(f => f.GetProperty("nameEn").GetString() == nameEn).GetProperty("value").GetDecimal();
        Assert.True(Figure("member-growth", "Members at end") > 0);
        Assert.True(Figure("repurchase-rate", "Buying members") > 0);
        Assert.True(Figure("aov", "Member AOV") > 0);
        Assert.True(Figure("points", "Points issued") > 0);
    }
}
