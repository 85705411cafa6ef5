using Hangfire;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using WechatLoyalty.Domain.Referrals;
using WechatLoyalty.Jobs.Hosting;

namespace WechatLoyalty.Jobs.Referrals;

/// <summary>
/// Pays referrer rewards whose return window has closed. Thin: the domain releases one referral per transaction
/// under a ledger key, so a killed run resumes and a re-run pays nothing twice.
/// </summary>
public sealed class ReferralJobs(ReferralRewardRelease release, IOptions<ProgrammeOptions> programme, ILogger<ReferralJobs> logger)
{
    [DisableConcurrentExecution(timeoutInSeconds: 60)]
    [AutomaticRetry(Attempts = 3)]
    public async Task ReleaseRewardsAsync(CancellationToken ct)
    {
        var paid = await release.ReleaseDueAsync(programme.Value.Preset, ct);
        logger.LogInformation("Referral reward release finished: {Paid} reward(s) paid", paid);
    }
}

/// <summary>Referral options (validated at start) and the job; the schedule is wired with the other recurring jobs.</summary>
public static class ReferralJobsRegistration
{
    public static IServiceCollection AddReferralJobs(this IServiceCollection services)
    {
        services.AddOptions<ReferralsOptions>().BindConfiguration(ReferralsOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        services.AddScoped<ReferralJobs>();
        return services;
    }
}
