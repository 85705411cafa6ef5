using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using WechatLoyalty.Domain.Members;

namespace WechatLoyalty.Domain.Data.Configurations;

internal sealed class MemberConfiguration : IEntityTypeConfiguration<Member>
{
    public void Configure(EntityTypeBuilder<Member> b)
    {
        b.Property(x => x.MemberNo).HasMaxLength(20).IsRequired();
        b.Property(x => x.ReferralCode).HasMaxLength(16).IsRequired();
        b.Property(x => x.UnionId).HasMaxLength(64);
        b.Property(x => x.Nickname).HasMaxLength(64);
        b.Property(x => x.PhoneCipher).HasMaxLength(128);
        b.Property(x => x.PhoneHash).HasMaxLength(32);
        b.Property(x => x.PhoneMasked).HasMaxLength(20);
        b.Property(x => x.TierCode).HasMaxLength(32).IsRequired();
        b.Property(x => x.TermsVersion).HasMaxLength(32).IsRequired();
        b.HasIndex(x => x.MemberNo).IsUnique();
        b.HasIndex(x => x.ReferralCode).IsUnique();
        // One person, one member: a UnionID belongs to at most one member (NULLs do not collide in MariaDB).
        b.HasIndex(x => x.UnionId).IsUnique();
        b.HasIndex(x => x.PhoneHash).IsUnique();
        b.HasIndex(x => x.JoinedAt);
        b.HasIndex(x => new { x.StoreId, x.JoinedAt });
        b.HasIndex(x => x.ReferrerId);
        b.HasIndex(x => new { x.BirthMonth, x.BirthDay });
        b.HasIndex(x => x.TierCode);
        b.HasOne<Stores.Store>().WithMany().HasForeignKey(x => x.StoreId).OnDelete(DeleteBehavior.Restrict);
        b.HasOne<Stores.Staff>().WithMany().HasForeignKey(x => x.StaffId).OnDelete(DeleteBehavior.Restrict);
        b.HasOne<Member>().WithMany().HasForeignKey(x => x.ReferrerId).OnDelete(DeleteBehavior.Restrict);
        b.HasMany(x => x.Identities).WithOne(x => x.Member).HasForeignKey(x => x.MemberId).OnDelete(DeleteBehavior.Restrict);
    }
}

internal sealed class MemberIdentityConfiguration : IEntityTypeConfiguration<MemberIdentity>
{
    public void Configure(EntityTypeBuilder<MemberIdentity> b)
    {
        b.Property(x => x.AppId).HasMaxLength(32).IsRequired();
        b.Property(x => x.OpenId).HasMaxLength(64).IsRequired();
        b.Property(x => x.UnionId).HasMaxLength(64);
        b.Property(x => x.SessionKeyCipher).HasMaxLength(128);
        b.HasIndex(x => new { x.AppId, x.OpenId }).IsUnique();
        b.HasIndex(x => x.UnionId);
    }
}

internal sealed class TierChangeConfiguration : IEntityTypeConfiguration<TierChange>
{
    public void Configure(EntityTypeBuilder<TierChange> b)
    {
        b.Property(x => x.FromTier).HasMaxLength(32);
        b.Property(x => x.ToTier).HasMaxLength(32).IsRequired();
        b.HasIndex(x => new { x.MemberId, x.ChangedAt });
        b.HasOne<Member>().WithMany().HasForeignKey(x => x.MemberId).OnDelete(DeleteBehavior.Restrict);
    }
}

internal sealed class MemberConsentConfiguration : IEntityTypeConfiguration<MemberConsent>
{
    public void Configure(EntityTypeBuilder<MemberConsent> b)
    {
        b.Property(x => x.Version).HasMaxLength(32).IsRequired();
        b.HasIndex(x => new { x.MemberId, x.Kind, x.Version }).IsUnique();
        b.HasOne<Member>().WithMany().HasForeignKey(x => x.MemberId).OnDelete(DeleteBehavior.Restrict);
    }
}

internal sealed class MemberSessionConfiguration : IEntityTypeConfiguration<MemberSession>
{
    public void Configure(EntityTypeBuilder<MemberSession> b)
    {
        b.Property(x => x.TokenHash).HasMaxLength(32).IsRequired();
        b.HasIndex(x => x.TokenHash).IsUnique();
        b.HasIndex(x => x.IdentityId);
        b.HasIndex(x => x.ExpiresAt);
        b.HasOne<MemberIdentity>().WithMany().HasForeignKey(x => x.IdentityId).OnDelete(DeleteBehavior.Cascade);
    }
}
