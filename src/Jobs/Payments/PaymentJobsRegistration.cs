using Microsoft.Extensions.DependencyInjection;
using WechatLoyalty.Domain.Payments;

namespace WechatLoyalty.Jobs.Payments;

/// <summary>Payment jobs and their options; the schedule is wired where the Hangfire jobs are registered.</summary>
public static class PaymentJobsRegistration
{
    public static IServiceCollection AddPaymentJobs(this IServiceCollection services)
    {
        services.AddOptions<PaymentsOptions>().BindConfiguration(PaymentsOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        services.AddScoped<ReconcilePaymentsJob>();
        return services;
    }
}
