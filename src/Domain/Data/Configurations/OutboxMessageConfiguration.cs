using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using WechatLoyalty.Domain.Members;
using WechatLoyalty.Domain.Messaging;

namespace WechatLoyalty.Domain.Data.Configurations;

internal sealed class OutboxMessageConfiguration : IEntityTypeConfiguration<OutboxMessage>
{
    public void Configure(EntityTypeBuilder<OutboxMessage> b)
    {
        b.ToTable("message_outbox");
        b.Property(x => x.Kind).HasMaxLength(32).IsRequired();
        b.Property(x => x.PayloadJson).HasColumnType("json").IsRequired();
        b.Property(x => x.IdempotencyKey).HasMaxLength(96).IsRequired();
        b.HasIndex(x => x.IdempotencyKey).IsUnique();
        // The sender reads what is not processed yet, oldest first.
        b.HasIndex(x => new { x.ProcessedAt, x.Id });
        b.HasOne<Member>().WithMany().HasForeignKey(x => x.MemberId).OnDelete(DeleteBehavior.Restrict);
    }
}
