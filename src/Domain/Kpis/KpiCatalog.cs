using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace WechatLoyalty.Domain.Kpis;

/// <summary>The dashboard's panels, in display order, found by id.</summary>
public sealed class KpiCatalog(IEnumerable<KpiPanel> panels)
{
    private readonly IReadOnlyList<KpiPanel> _panels = [.. panels];

    public IReadOnlyList<KpiPanelInfo> List => [.. _panels.Select(p => p.Info)];

    public KpiPanel? Find(string id) => _panels.FirstOrDefault(p => p.Info.Id == id);
}

public static class KpiRegistration
{
    /// <summary>The KPI panels (scoped: they use the request's DbContext). LifecycleThresholds options are bound by the host.</summary>
    public static IServiceCollection AddKpis(this IServiceCollection services)
    {
        services.AddKpiRollup();
        services.AddScoped<KpiPanel, MemberGrowthPanel>();
        services.AddScoped<KpiPanel, MemberGrowthByStorePanel>();
        services.AddScoped<KpiPanel, MemberGrowthBySourcePanel>();
        services.AddScoped<KpiPanel, ActiveMembersPanel>();
        services.AddScoped<KpiPanel, LifecycleStagesPanel>();
        services.AddScoped<KpiPanel, RepurchaseRatePanel>();
        services.AddScoped<KpiPanel, ChurnPanel>();
        services.AddScoped<KpiPanel, PurchaseFrequencyPanel>();
        services.AddScoped<KpiPanel, AovPanel>();
        services.AddScoped<KpiPanel, ArpuPanel>();
        services.AddScoped<KpiPanel, PointsPanel>();
        services.AddScoped<KpiPanel, ReferralFunnelPanel>();
        services.AddScoped<KpiPanel, CampaignDeliveryPanel>();
        services.AddScoped<KpiCatalog>();
        return services;
    }

    /// <summary>The rollup's refresh (for the job host too, which has no panels); safe to call twice.</summary>
    public static IServiceCollection AddKpiRollup(this IServiceCollection services)
    {
        services.TryAddScoped<KpiSql>();
        services.TryAddScoped<Rollup.KpiRollup>();
        return services;
    }
}
