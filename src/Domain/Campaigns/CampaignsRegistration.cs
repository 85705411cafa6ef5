using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using WechatLoyalty.Domain.Campaigns.Promotions;
using WechatLoyalty.Domain.Campaigns.Segments;
using WechatLoyalty.Domain.Campaigns.Sending;

namespace WechatLoyalty.Domain.Campaigns;

public static class CampaignsRegistration
{
    /// <summary>Segments, promotions and campaigns; the host binds <see cref="CampaignsOptions"/> (src/Jobs/Campaigns).</summary>
    public static IServiceCollection AddCampaigns(this IServiceCollection services)
    {
        services.AddScoped<SegmentAudience>();
        services.AddSingleton<PromotionCache>();
        services.AddScoped<PointsPromotions>();
        services.AddScoped<CampaignCommands>();
        services.AddScoped<CampaignFanout>();
        services.AddScoped<CampaignResults>();
        // Campaign messages go through the members' messages pipeline (channels, consent, rate limit, quota).
        services.TryAddScoped<ICampaignSender, DispatcherCampaignSender>();
        return services;
    }
}
