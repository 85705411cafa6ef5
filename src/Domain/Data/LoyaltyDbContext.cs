using Microsoft.EntityFrameworkCore;
using WechatLoyalty.Domain.Admin;
using WechatLoyalty.Domain.Members;
using WechatLoyalty.Domain.Payments;
using WechatLoyalty.Domain.Points;
using WechatLoyalty.Domain.Programme;
using WechatLoyalty.Domain.Stores;

namespace WechatLoyalty.Domain.Data;

public class LoyaltyDbContext(DbContextOptions<LoyaltyDbContext> options) : DbContext(options)
{
    public DbSet<ProgrammeVersion> ProgrammeVersions => Set<ProgrammeVersion>();
    public DbSet<Store> Stores => Set<Store>();
    public DbSet<Staff> Staff => Set<Staff>();
    public DbSet<AdminUser> AdminUsers => Set<AdminUser>();
    public DbSet<Member> Members => Set<Member>();
    public DbSet<MemberIdentity> MemberIdentities => Set<MemberIdentity>();
    public DbSet<MemberConsent> MemberConsents => Set<MemberConsent>();
    public DbSet<MemberSession> MemberSessions => Set<MemberSession>();
    public DbSet<TierChange> TierChanges => Set<TierChange>();
    public DbSet<Messaging.OutboxMessage> MessageOutbox => Set<Messaging.OutboxMessage>();
    public DbSet<Messaging.MessageTemplate> MessageTemplates => Set<Messaging.MessageTemplate>();
    public DbSet<Messaging.SubscriptionCredit> SubscriptionCredits => Set<Messaging.SubscriptionCredit>();
    public DbSet<Messaging.MessageDelivery> MessageDeliveries => Set<Messaging.MessageDelivery>();
    public DbSet<Messaging.MemberChannelState> MemberChannelStates => Set<Messaging.MemberChannelState>();
    public DbSet<Messaging.OaEvent> OaEvents => Set<Messaging.OaEvent>();
    public DbSet<Payment> Payments => Set<Payment>();
    public DbSet<Order> Orders => Set<Order>();
    public DbSet<Refund> Refunds => Set<Refund>();
    public DbSet<PointLot> PointLots => Set<PointLot>();
    public DbSet<PointEntry> PointEntries => Set<PointEntry>();
    public DbSet<PointReservation> PointReservations => Set<PointReservation>();
    public DbSet<PointReservationLot> PointReservationLots => Set<PointReservationLot>();
    public DbSet<Operations.JobRun> JobRuns => Set<Operations.JobRun>();
    public DbSet<Referrals.Referral> Referrals => Set<Referrals.Referral>();
    public DbSet<Referrals.ReferralCardOpen> ReferralCardOpens => Set<Referrals.ReferralCardOpen>();
    public DbSet<Referrals.ReferralRefusal> ReferralRefusals => Set<Referrals.ReferralRefusal>();
    public DbSet<Campaigns.Segments.Segment> Segments => Set<Campaigns.Segments.Segment>();
    public DbSet<Campaigns.Promotions.PointsPromotion> PointsPromotions => Set<Campaigns.Promotions.PointsPromotion>();
    public DbSet<Campaigns.Campaign> Campaigns => Set<Campaigns.Campaign>();
    public DbSet<Campaigns.CampaignRecipient> CampaignRecipients => Set<Campaigns.CampaignRecipient>();
    public DbSet<Campaigns.CampaignDelivery> CampaignDeliveries => Set<Campaigns.CampaignDelivery>();
    public DbSet<AuditEntry> AuditLog => Set<AuditEntry>();
    public DbSet<Admin.Imports.MemberImport> MemberImports => Set<Admin.Imports.MemberImport>();

    protected override void OnModelCreating(ModelBuilder modelBuilder)
    {
        modelBuilder.HasCharSet("utf8mb4").UseCollation("utf8mb4_unicode_ci");
        modelBuilder.ApplyConfigurationsFromAssembly(typeof(LoyaltyDbContext).Assembly);
        modelBuilder.UseSnakeCaseNames();
    }

    protected override void ConfigureConventions(ModelConfigurationBuilder configurationBuilder)
    {
        // Every timestamp is UTC; MariaDB's DATETIME has no zone, so reads come back as Unspecified unless told.
        configurationBuilder.Properties<DateTime>().HaveConversion<UtcDateTimeConverter>().HavePrecision(6);
        configurationBuilder.Properties<DateTime?>().HaveConversion<UtcDateTimeConverter>().HavePrecision(6);
        configurationBuilder.Properties<Enum>().HaveConversion<string>().HaveMaxLength(32);
        configurationBuilder.Properties<decimal>().HavePrecision(18, 4);
    }
}
