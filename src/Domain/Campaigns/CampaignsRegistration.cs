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
        // Until the messages pipeline is merged (then: an adapter over MessageDispatcher; see ICampaignSender).
        services.TryAddScoped<ICampaignSender, RecordingCampaignSender>();
        return services;
    }
}
