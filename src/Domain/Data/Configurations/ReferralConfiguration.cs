using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using WechatLoyalty.Domain.Members;
using WechatLoyalty.Domain.Referrals;

namespace WechatLoyalty.Domain.Data.Configurations;

internal sealed class ReferralConfiguration : IEntityTypeConfiguration<Referral>
{
    public void Configure(EntityTypeBuilder<Referral> b)
    {
        b.Property(x => x.Code).HasMaxLength(16).IsRequired();
        b.Property(x => x.OpenGid).HasMaxLength(64);
        b.Property(x => x.RewardMonth).HasMaxLength(7);
        b.Property(x => x.RewardReason).HasMaxLength(32);
        // Once and forever: one referrer per member.
        b.HasIndex(x => x.RefereeMemberId).IsUnique();
        b.HasIndex(x => new { x.ReferrerMemberId, x.RewardMonth });
        b.HasIndex(x => x.PaymentId);
        b.HasIndex(x => new { x.Status, x.RewardPendingUntil });
        b.HasIndex(x => x.JoinedAt);
        b.HasIndex(x => x.OpenGid);
        b.HasOne<Member>().WithMany().HasForeignKey(x => x.ReferrerMemberId).OnDelete(DeleteBehavior.Restrict);
        b.HasOne<Member>().WithMany().HasForeignKey(x => x.RefereeMemberId).OnDelete(DeleteBehavior.Restrict);
        b.HasOne<Payments.Payment>().WithMany().HasForeignKey(x => x.PaymentId).OnDelete(DeleteBehavior.Restrict);
        b.HasOne<ReferralCardOpen>().WithMany().HasForeignKey(x => x.CardOpenId).OnDelete(DeleteBehavior.Restrict);
    }
}

internal sealed class ReferralCardOpenConfiguration : IEntityTypeConfiguration<ReferralCardOpen>
{
    public void Configure(EntityTypeBuilder<ReferralCardOpen> b)
    {
        b.Property(x => x.OpenGid).HasMaxLength(64);
        b.HasIndex(x => new { x.OpenerIdentityId, x.ReferrerMemberId, x.OpenedAt });
        b.HasIndex(x => new { x.ReferrerMemberId, x.OpenedAt });
        b.HasIndex(x => new { x.OpenGid, x.OpenedAt });
        b.HasIndex(x => x.OpenedAt);
        b.HasOne<Member>().WithMany().HasForeignKey(x => x.ReferrerMemberId).OnDelete(DeleteBehavior.Restrict);
        b.HasOne<MemberIdentity>().WithMany().HasForeignKey(x => x.OpenerIdentityId).OnDelete(DeleteBehavior.Restrict);
    }
}

internal sealed class ReferralRefusalConfiguration : IEntityTypeConfiguration<ReferralRefusal>
{
    public void Configure(EntityTypeBuilder<ReferralRefusal> b)
    {
        b.Property(x => x.Reason).HasMaxLength(32).IsRequired();
        b.Property(x => x.Code).HasMaxLength(16);
        b.Property(x => x.Detail).HasMaxLength(200);
        b.HasIndex(x => new { x.At, x.Reason });
        b.HasIndex(x => x.ReferrerMemberId);
        b.HasIndex(x => x.RefereeMemberId);
    }
}
