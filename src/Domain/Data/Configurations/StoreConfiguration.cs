using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using WechatLoyalty.Domain.Admin;
using WechatLoyalty.Domain.Programme;
using WechatLoyalty.Domain.Stores;

namespace WechatLoyalty.Domain.Data.Configurations;

internal sealed class StoreConfiguration : IEntityTypeConfiguration<Store>
{
    public void Configure(EntityTypeBuilder<Store> b)
    {
        b.Property(x => x.Code).HasMaxLength(16).IsRequired();
        b.Property(x => x.Name).HasMaxLength(100).IsRequired();
        b.Property(x => x.City).HasMaxLength(50).IsRequired();
        b.Property(x => x.OaQrTicket).HasMaxLength(256);
        b.Property(x => x.OaQrUrl).HasMaxLength(256);
        b.HasIndex(x => x.Code).IsUnique();
        b.HasMany(x => x.Staff).WithOne(x => x.Store).HasForeignKey(x => x.StoreId).OnDelete(DeleteBehavior.Restrict);
    }
}

internal sealed class StaffConfiguration : IEntityTypeConfiguration<Staff>
{
    public void Configure(EntityTypeBuilder<Staff> b)
    {
        b.Property(x => x.Code).HasMaxLength(16).IsRequired();
        b.Property(x => x.Name).HasMaxLength(100).IsRequired();
        b.HasIndex(x => new { x.StoreId, x.Code }).IsUnique();
    }
}

internal sealed class AdminUserConfiguration : IEntityTypeConfiguration<AdminUser>
{
    public void Configure(EntityTypeBuilder<AdminUser> b)
    {
        b.Property(x => x.UserName).HasMaxLength(64).IsRequired();
        b.Property(x => x.DisplayName).HasMaxLength(100).IsRequired();
        b.Property(x => x.PasswordHash).HasMaxLength(256).IsRequired();
        b.HasIndex(x => x.UserName).IsUnique();
    }
}

internal sealed class ProgrammeVersionConfiguration : IEntityTypeConfiguration<ProgrammeVersion>
{
    public void Configure(EntityTypeBuilder<ProgrammeVersion> b)
    {
        b.Property(x => x.Preset).HasMaxLength(32).IsRequired();
        b.Property(x => x.RulesJson).HasColumnType("json").IsRequired();
        b.Property(x => x.CreatedBy).HasMaxLength(64);
        b.HasIndex(x => x.EffectiveFrom);
    }
}
