using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using WechatLoyalty.Domain.Members;
using WechatLoyalty.Domain.Messaging;

namespace WechatLoyalty.Domain.Data.Configurations;

internal sealed class MessageTemplateConfiguration : IEntityTypeConfiguration<MessageTemplate>
{
    public void Configure(EntityTypeBuilder<MessageTemplate> b)
    {
        b.ToTable("message_templates");
        b.Property(x => x.Kind).HasMaxLength(32).IsRequired();
        b.Property(x => x.OaTemplateId).HasMaxLength(64);
        b.Property(x => x.MpTemplateId).HasMaxLength(64);
        b.Property(x => x.OaFieldsJson).HasColumnType("json").IsRequired();
        b.Property(x => x.MpFieldsJson).HasColumnType("json").IsRequired();
        b.Property(x => x.Page).HasMaxLength(256);
        b.Property(x => x.UpdatedBy).HasMaxLength(64);
        b.HasIndex(x => x.Kind).IsUnique();
    }
}

internal sealed class SubscriptionCreditConfiguration : IEntityTypeConfiguration<SubscriptionCredit>
{
    public void Configure(EntityTypeBuilder<SubscriptionCredit> b)
    {
        b.ToTable("message_subscription_credits", t => t.HasCheckConstraint("ck_subscription_credits_not_negative", "credits >= 0"));
        b.Property(x => x.TemplateId).HasMaxLength(64).IsRequired();
        b.HasIndex(x => new { x.MemberId, x.TemplateId }).IsUnique();
        b.HasOne<Member>().WithMany().HasForeignKey(x => x.MemberId).OnDelete(DeleteBehavior.Restrict);
    }
}

internal sealed class MessageDeliveryConfiguration : IEntityTypeConfiguration<MessageDelivery>
{
    public void Configure(EntityTypeBuilder<MessageDelivery> b)
    {
        b.ToTable("message_deliveries");
        b.Property(x => x.Kind).HasMaxLength(32).IsRequired();
        b.Property(x => x.OccasionKey).HasMaxLength(96).IsRequired();
        b.Property(x => x.TemplateId).HasMaxLength(64);
        b.Property(x => x.Reason).HasMaxLength(256);
        b.Property(x => x.ValuesJson).HasColumnType("json").IsRequired();
        b.Property(x => x.DataJson).HasColumnType("json");
        // The idempotency of every send: one record per member, kind and occasion.
        b.HasIndex(x => new { x.MemberId, x.Kind, x.OccasionKey }).IsUnique();
        // TEMPLATESENDJOBFINISH finds its send by msgid.
        b.HasIndex(x => x.Msgid);
        // The resume job reads paused deliveries that are due.
        b.HasIndex(x => new { x.Status, x.NextAttemptAt });
        b.HasIndex(x => x.CampaignId);
        b.HasOne<Member>().WithMany().HasForeignKey(x => x.MemberId).OnDelete(DeleteBehavior.Restrict);
    }
}

internal sealed class MemberChannelStateConfiguration : IEntityTypeConfiguration<MemberChannelState>
{
    public void Configure(EntityTypeBuilder<MemberChannelState> b)
    {
        b.ToTable("member_channel_states");
        b.HasKey(x => x.MemberId);
        b.Property(x => x.MemberId).ValueGeneratedNever();
        b.HasOne<Member>().WithOne().HasForeignKey<MemberChannelState>(x => x.MemberId).OnDelete(DeleteBehavior.Restrict);
    }
}

internal sealed class OaEventConfiguration : IEntityTypeConfiguration<OaEvent>
{
    public void Configure(EntityTypeBuilder<OaEvent> b)
    {
        b.ToTable("oa_events");
        b.Property(x => x.DedupKey).HasMaxLength(160).IsRequired();
        b.Property(x => x.MsgType).HasMaxLength(32).IsRequired();
        b.Property(x => x.Event).HasMaxLength(64);
        b.Property(x => x.OpenId).HasMaxLength(64).IsRequired();
        b.Property(x => x.EventKey).HasMaxLength(128);
        b.Property(x => x.FieldsJson).HasColumnType("json").IsRequired();
        b.Property(x => x.Error).HasMaxLength(512);
        b.HasIndex(x => x.DedupKey).IsUnique();
        // The sweep reads what is not processed yet.
        b.HasIndex(x => new { x.ProcessedAt, x.Id });
        b.HasIndex(x => new { x.StoreId, x.CreateTime });
        b.HasOne<Stores.Store>().WithMany().HasForeignKey(x => x.StoreId).OnDelete(DeleteBehavior.Restrict);
    }
}
