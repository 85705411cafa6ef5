using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using WechatLoyalty.Domain;
using WechatLoyalty.Domain.Common;
using WechatLoyalty.Domain.Data;
using WechatLoyalty.Domain.Members;
using WechatLoyalty.Domain.Security;
using WechatLoyalty.Wechat;

namespace WechatLoyalty.Jobs.Hosting;

public static class CoreRegistration
{
    /// <summary>
    /// What every process of the product needs, the API and the standalone job worker alike: validated options,
    /// time, the programme clock, the database, Redis, the domain services, data protection and the WeChat clients.
    /// </summary>
    public static IHostApplicationBuilder AddLoyaltyCore(this IHostApplicationBuilder builder)
    {
        var services = builder.Services;
        services.AddValidatedOptions<ConnectionStringsOptions>(ConnectionStringsOptions.Section);
        services.AddValidatedOptions<DatabaseOptions>(DatabaseOptions.Section);
        services.AddValidatedOptions<ProgrammeOptions>(ProgrammeOptions.Section);
        services.AddSingleton<IValidateOptions<ProgrammeOptions>, ProgrammeOptionsValidator>();
        services.AddValidatedOptions<SecurityOptions>(SecurityOptions.Section);
        services.AddSingleton<IValidateOptions<SecurityOptions>, SecurityOptionsValidator>();

        services.TryAddSingleton(TimeProvider.System);
        services.AddSingleton(sp => new ProgrammeClock(
            sp.GetRequiredService<TimeProvider>(),
            ProgrammeClock.FindZone(sp.GetRequiredService<IOptions<ProgrammeOptions>>().Value.TimeZone)));
        services.AddSingleton(sp =>
        {
            var o = sp.GetRequiredService<IOptions<SecurityOptions>>().Value;
            return new PersonalDataProtector(Convert.FromBase64String(o.DataKey), Convert.FromBase64String(o.HashKey));
        });
        services.AddSingleton<DynamicMemberCode>();

        services.AddLoyaltyData(sp => (
            sp.GetRequiredService<IOptions<ConnectionStringsOptions>>().Value.Loyalty,
            sp.GetRequiredService<IOptions<DatabaseOptions>>().Value.ServerVersion));
        services.AddLoyaltyDomain();
        services.AddRedis();
        services.AddWechat(builder.Configuration);
        return builder;
    }
}
