using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using WechatLoyalty.Domain.Members;
using WechatLoyalty.Domain.Payments;

namespace WechatLoyalty.Domain.Data.Configurations;

internal sealed class OrderConfiguration : IEntityTypeConfiguration<Order>
{
    public void Configure(EntityTypeBuilder<Order> b)
    {
        b.Property(x => x.OutTradeNo).HasMaxLength(32).IsRequired();
        b.Property(x => x.Description).HasMaxLength(127).IsRequired();
        b.Property(x => x.PrepayId).HasMaxLength(64);
        b.Property(x => x.TransactionId).HasMaxLength(32);
        // Ours and unique: a notification names its order by it.
        b.HasIndex(x => x.OutTradeNo).IsUnique();
        // The reconciliation reads "status IN (Created, Prepaid) AND created_at <= cutoff" in created order.
        b.HasIndex(x => new { x.Status, x.CreatedAt });
        b.HasIndex(x => new { x.MemberId, x.CreatedAt });
        b.HasIndex(x => x.IdentityId);
        b.HasOne<Member>().WithMany().HasForeignKey(x => x.MemberId).OnDelete(DeleteBehavior.Restrict);
        b.HasOne<MemberIdentity>().WithMany().HasForeignKey(x => x.IdentityId).OnDelete(DeleteBehavior.Restrict);
        b.HasOne<Stores.Store>().WithMany().HasForeignKey(x => x.StoreId).OnDelete(DeleteBehavior.Restrict);
    }
}

internal sealed class RefundConfiguration : IEntityTypeConfiguration<Refund>
{
    public void Configure(EntityTypeBuilder<Refund> b)
    {
        b.Property(x => x.OutRefundNo).HasMaxLength(64).IsRequired();
        b.Property(x => x.RefundId).HasMaxLength(32);
        b.Property(x => x.Reason).HasMaxLength(RefundService.MaxReason);
        b.Property(x => x.RequestedBy).HasMaxLength(64);
        b.HasIndex(x => x.OutRefundNo).IsUnique();
        // Exactly once per WeChat refund (NULLs, refunds not yet accepted, do not collide).
        b.HasIndex(x => x.RefundId).IsUnique();
        b.HasIndex(x => x.PaymentId);
        b.HasOne<Payment>().WithMany().HasForeignKey(x => x.PaymentId).OnDelete(DeleteBehavior.Restrict);
    }
}
