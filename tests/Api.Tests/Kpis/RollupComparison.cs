using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using WechatLoyalty.Domain.Kpis;

namespace WechatLoyalty.Api.Tests.Kpis;

/// <summary>
/// The rollup's contract: every panel answers exactly what the payment queries answer, compared as whole JSON
/// (each panel computed twice in its own scope, once with <see cref="KpiSql.UseRollup"/> off and once on).
/// </summary>
internal static class RollupComparison
{
    public static async Task AssertSameAsync(IServiceProvider services, IEnumerable<KpiQuery> queries, string when)
    {
        foreach (var q in queries)
        {
            var fromPayments = await ComputeAllAsync(services, q, useRollup: false);
            var fromRollup = await ComputeAllAsync(services, q, useRollup: true);
            foreach (var (id, expected) in fromPayments)
                Assert.True(expected == fromRollup[id], $"{id} {q} {when}:\npayments: {expected}\nrollup:   {fromRollup[id]}");
        }
    }

    private static async Task<Dictionary<string, string>> ComputeAllAsync(IServiceProvider services, KpiQuery q, bool useRollup)
    {
        await using var scope = services.CreateAsyncScope();
        scope.ServiceProvider.GetRequiredService<KpiSql>().UseRollup = useRollup;
        var catalog = scope.ServiceProvider.GetRequiredService<KpiCatalog>();
        var results = new Dictionary<string, string>();
        foreach (var info in catalog.List)
            results[info.Id] = JsonSerializer.Serialize(await catalog.Find(info.Id)!.ComputeAsync(q, CancellationToken.None));
        return results;
    }
}
