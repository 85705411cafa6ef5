using Microsoft.Extensions.DependencyInjection;
using WechatLoyalty.Domain.Campaigns;

namespace WechatLoyalty.Jobs.Campaigns;

/// <summary>Campaign options (section <c>Campaigns</c>, validated at start-up) and the fan-out job.</summary>
public static class CampaignJobsRegistration
{
    public static IServiceCollection AddCampaignJobs(this IServiceCollection services)
    {
        services.AddOptions<CampaignsOptions>().BindConfiguration(CampaignsOptions.Section).ValidateDataAnnotations()
            .Validate(o => !o.Problems().Any(),
                "Campaigns settings are inconsistent: lifecycle days 1..3650 with ActiveDays < LostDays; QuietStart differs from QuietEnd unless both are 00:00.")
            .ValidateOnStart();
        services.AddScoped<CampaignJobs>();
        return services;
    }
}
