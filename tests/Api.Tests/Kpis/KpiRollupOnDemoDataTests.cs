using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using WechatLoyalty.Domain.Kpis;
using WechatLoyalty.Domain.Kpis.Rollup;

namespace WechatLoyalty.Api.Tests.Kpis;

/// <summary>The demo's charts (as ./run.sh seeds it) are the same read from the rollup as from payments.</summary>
public class KpiRollupOnDemoDataTests(KpisOnDemoDataTests.Factory factory) : IClassFixture<KpisOnDemoDataTests.Factory>
{
    [Fact]
    public async Task Panels_FromRollup_EqualPanelsFromPayments_OnTheDemo()
    {
        await factory.SeedOnceAsync();
        await using (var scope = factory.Services.CreateAsyncScope())
        {
            var rollup = scope.ServiceProvider.GetRequiredService<KpiRollup>();
            await rollup.ResetAsync();
            await rollup.RefreshAsync();
        }
        var today = DateOnly.FromDateTime(DateTime.UtcNow);
        var store = await factory.WithDbAsync(db => db.Stores.OrderBy(s => s.Id).Select(s => s.Id).FirstAsync());
        KpiQuery[] queries =
        [
            new(today.AddDays(-29), today, null, KpiGrain.Day),
            new(today.AddDays(-29), today, store, KpiGrain.Day),
            new(today.AddDays(-364), today, null, KpiGrain.Month),
            new(today.AddDays(-364), today, store, KpiGrain.Week),
        ];
        // Just seeded, every demo member counts as changed (computed live); aged, they come from the rows alone.
        foreach (var aged in new[] { false, true })
        {
            if (aged) await factory.WithDbAsync(db => db.Database.ExecuteSqlRawAsync("UPDATE payments SET kpi_touched_at = NOW(6) - INTERVAL 1 DAY"));
            await RollupComparison.AssertSameAsync(factory.Services, queries, $"aged={aged}");
        }
    }
}
