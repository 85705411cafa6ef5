using Microsoft.Extensions.DependencyInjection;
using WechatLoyalty.Domain.Campaigns;
using WechatLoyalty.Domain.Members;
using WechatLoyalty.Domain.Messaging;
using WechatLoyalty.Domain.Payments;
using WechatLoyalty.Domain.Points;
using WechatLoyalty.Domain.Programme;
using WechatLoyalty.Domain.Referrals;
using WechatLoyalty.Domain.Stores;
using WechatLoyalty.Domain.Tiers;

namespace WechatLoyalty.Domain;

public static class DomainRegistration
{
    /// <summary>The programme's services; the host supplies the DbContext, ProgrammeClock and PersonalDataProtector.</summary>
    public static IServiceCollection AddLoyaltyDomain(this IServiceCollection services)
    {
        services.AddScoped<ProgrammeRulesStore>();
        services.AddScoped<IdentityService>();
        services.AddScoped<RegistrationService>();
        services.AddScoped<ProfileService>();
        services.AddScoped<MemberCardQuery>();
        services.AddScoped<JoinStatistics>();
        services.AddScoped<LedgerStore>();
        services.AddScoped<PointsLedger>();
        services.AddScoped<PointsRedemption>();
        services.AddScoped<PointsMaintenance>();
        services.AddScoped<PointsBalanceCheck>();
        services.AddScoped<PointsHistory>();
        services.AddScoped<TierRecalculation>();
        services.AddScoped<Operations.JobRunLog>();
        services.AddScoped<TierUpgrades>();
        services.AddScoped<OrderService>();
        services.AddScoped<PaymentEarnings>();
        services.AddScoped<PaymentRecorder>();
        services.AddScoped<PaymentClaims>();
        services.AddScoped<RefundService>();
        services.AddScoped<RefundRecorder>();
        services.AddScoped<ReferralAttribution>();
        services.AddScoped<ReferralRewards>();
        services.AddScoped<ReferralRewardRelease>();
        services.AddScoped<ReferralCardOpens>();
        services.AddScoped<ReferralQueries>();
        services.AddCampaigns();
        services.AddScoped<Admin.Imports.MemberImportService>();
        services.AddScoped<MessageTemplates>();
        services.AddScoped<SubscriptionConsents>();
        services.AddScoped<MessageDispatcher>();
        services.AddScoped<DeliveryReports>();
        services.AddScoped<BirthdayMessages>();
        services.AddScoped<ExpiryReminders>();
        services.AddScoped<TierNotices>();
        return services;
    }
}
