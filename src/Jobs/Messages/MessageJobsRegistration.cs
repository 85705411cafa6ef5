using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using WechatLoyalty.Domain.Messaging;
using WechatLoyalty.Jobs.Hosting;

namespace WechatLoyalty.Jobs.Messages;

public static class MessageJobsRegistration
{
    /// <summary>The dispatcher's WeChat gateway and Redis pace, the OA event inbox and processor, and the message jobs.</summary>
    public static IServiceCollection AddMessageJobs(this IServiceCollection services)
    {
        services.AddOptions<MessagingOptions>().BindConfiguration(MessagingOptions.Section).ValidateDataAnnotations().ValidateOnStart()
            .Configure<IOptions<ProgrammeOptions>>((m, p) => m.Preset = p.Value.Preset);
        services.AddScoped<IWechatMessageGateway, WechatMessageGateway>();
        services.AddSingleton<IMessageThrottle, RedisMessageThrottle>();
        services.AddScoped<OaEventInbox>();
        services.AddScoped<OaEventProcessor>();
        services.AddScoped<MessageJobs>();
        return services;
    }
}
