using Hangfire;
using Hangfire.Redis.StackExchange;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using StackExchange.Redis;
using WechatLoyalty.Domain.Kpis;
using WechatLoyalty.Jobs.Campaigns;
using WechatLoyalty.Jobs.Hosting;
using WechatLoyalty.Jobs.Messages;
using WechatLoyalty.Jobs.Payments;
using WechatLoyalty.Jobs.Points;
using WechatLoyalty.Jobs.Referrals;
using WechatLoyalty.Jobs.Tiers;

namespace WechatLoyalty.Jobs;

public static class JobsRegistration
{
    /// <summary>
    /// Hangfire on Redis (the queues survive restarts: Redis runs with an append-only file), the job classes, the
    /// recurring schedule in the programme time zone, and, unless <c>Jobs:ServerEnabled</c> is false, a server in
    /// this process. Several servers (API instances, standalone workers) share the storage safely.
    /// </summary>
    public static IHostApplicationBuilder AddLoyaltyJobs(this IHostApplicationBuilder builder)
    {
        var services = builder.Services;
        services.AddValidatedOptions<JobsOptions>(JobsOptions.Section);
        // The storage is this service provider's own singleton, not Hangfire's static JobStorage.Current, so two
        // hosts in one process (the API's tests start many) never enqueue into each other's Redis prefix.
        services.AddSingleton<JobStorage>(sp => new RedisStorage(sp.GetRequiredService<IConnectionMultiplexer>(), new RedisStorageOptions
        {
            Prefix = sp.GetRequiredService<RedisKeys>().Prefix + "hangfire:",
            // Workers learn of new jobs by pub/sub; this is how long an idle worker waits before looking anyway
            // (the default, 3 minutes, would leave a job whose notification was missed waiting that long).
            FetchTimeout = TimeSpan.FromSeconds(15),
        }));
        services.AddHangfire(config => config
            .SetDataCompatibilityLevel(CompatibilityLevel.Version_180)
            .UseSimpleAssemblyNameTypeSerializer()
            .UseRecommendedSerializerSettings());

        if (builder.Configuration.GetValue($"{JobsOptions.Section}:ServerEnabled", true))
        {
            services.AddHangfireServer((sp, server) =>
            {
                server.WorkerCount = builder.Configuration.GetValue($"{JobsOptions.Section}:WorkerCount", 4);
                // Jobs are activated from this host's services. Hangfire's default is the static JobActivator.Current,
                // which the last host configured in the process owns (in the API's tests, one long disposed).
                server.Activator = new Hangfire.AspNetCore.AspNetCoreJobActivator(sp.GetRequiredService<IServiceScopeFactory>());
                server.ServerName = $"{Environment.MachineName}:{Environment.ProcessId}";
            });
        }

        services.AddScoped<PointsJobs>();
        services.AddScoped<TierJobs>();
        services.AddScoped<Kpis.KpiRollupJob>();
        services.AddKpiRollup();
        services.AddScoped<Admin.MemberImportJob>();
        services.AddPaymentJobs();
        services.AddReferralJobs();
        services.AddCampaignJobs();
        services.AddMessageJobs();
        services.AddHostedService<RecurringJobsScheduler>();
        return builder;
    }
}
