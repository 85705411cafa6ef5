using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using WechatLoyalty.Domain.Campaigns.Segments;

namespace WechatLoyalty.Domain.Data.Configurations;

internal sealed class SegmentConfiguration : IEntityTypeConfiguration<Segment>
{
    public void Configure(EntityTypeBuilder<Segment> b)
    {
        b.Property(x => x.Name).HasMaxLength(100).IsRequired();
        b.Property(x => x.Description).HasMaxLength(500);
        b.Property(x => x.DefinitionJson).HasColumnType("longtext").IsRequired();
        b.Property(x => x.CreatedBy).HasMaxLength(64);
        b.HasIndex(x => x.Name).IsUnique();
    }
}

internal sealed class PointsPromotionConfiguration : IEntityTypeConfiguration<Campaigns.Promotions.PointsPromotion>
{
    public void Configure(EntityTypeBuilder<Campaigns.Promotions.PointsPromotion> b)
    {
        b.Property(x => x.Name).HasMaxLength(100).IsRequired();
        b.Property(x => x.StoreIdsJson).HasMaxLength(4000).IsRequired();
        b.Property(x => x.TierCodesJson).HasMaxLength(4000).IsRequired();
        b.Property(x => x.Multiplier).HasPrecision(6, 2);
        b.Property(x => x.CreatedBy).HasMaxLength(64);
        b.HasIndex(x => new { x.EndsOn, x.StartsOn });
    }
}

internal sealed class CampaignEntityConfiguration : IEntityTypeConfiguration<Campaigns.Campaign>
{
    public void Configure(EntityTypeBuilder<Campaigns.Campaign> b)
    {
        b.Property(x => x.Name).HasMaxLength(100).IsRequired();
        b.Property(x => x.MessageKind).HasMaxLength(32).IsRequired();
        b.Property(x => x.TemplateId).HasMaxLength(64).IsRequired();
        b.Property(x => x.Page).HasMaxLength(128);
        b.Property(x => x.FieldsJson).HasMaxLength(8000).IsRequired();
        b.Property(x => x.CreatedBy).HasMaxLength(64);
        b.Property(x => x.LeaseOwner).HasMaxLength(64);
        // The dispatcher reads "scheduled and due" and "sending" campaigns.
        b.HasIndex(x => new { x.Status, x.ScheduledAt });
        b.HasOne<Segment>().WithMany().HasForeignKey(x => x.SegmentId).OnDelete(DeleteBehavior.Restrict);
    }
}

internal sealed class CampaignRecipientConfiguration : IEntityTypeConfiguration<Campaigns.CampaignRecipient>
{
    public void Configure(EntityTypeBuilder<Campaigns.CampaignRecipient> b)
    {
        // One row per member and campaign: the fan-out's idempotency key.
        b.HasKey(x => new { x.CampaignId, x.MemberId });
        b.Property(x => x.Channel).HasMaxLength(32);
        b.Property(x => x.Reason).HasMaxLength(64);
        // The next batch: "pending of this campaign in member order"; results group by status.
        b.HasIndex(x => new { x.CampaignId, x.Status, x.MemberId });
        b.HasIndex(x => x.MemberId);
        b.HasOne<Campaigns.Campaign>().WithMany().HasForeignKey(x => x.CampaignId).OnDelete(DeleteBehavior.Cascade);
        b.HasOne<Members.Member>().WithMany().HasForeignKey(x => x.MemberId).OnDelete(DeleteBehavior.Restrict);
    }
}

internal sealed class CampaignDeliveryConfiguration : IEntityTypeConfiguration<Campaigns.CampaignDelivery>
{
    public void Configure(EntityTypeBuilder<Campaigns.CampaignDelivery> b)
    {
        b.Property(x => x.Kind).HasMaxLength(32).IsRequired();
        b.Property(x => x.TemplateId).HasMaxLength(64).IsRequired();
        b.Property(x => x.Channel).HasMaxLength(32).IsRequired();
        b.Property(x => x.Status).HasMaxLength(32).IsRequired();
        b.Property(x => x.Reason).HasMaxLength(64);
        b.Property(x => x.ValuesJson).HasMaxLength(8000).IsRequired();
        b.HasIndex(x => new { x.CampaignId, x.MemberId }).IsUnique();
        b.HasOne<Campaigns.Campaign>().WithMany().HasForeignKey(x => x.CampaignId).OnDelete(DeleteBehavior.Cascade);
    }
}
