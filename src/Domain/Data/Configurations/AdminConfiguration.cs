using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using WechatLoyalty.Domain.Admin;
using WechatLoyalty.Domain.Admin.Imports;

namespace WechatLoyalty.Domain.Data.Configurations;

internal sealed class AuditEntryConfiguration : IEntityTypeConfiguration<AuditEntry>
{
    public void Configure(EntityTypeBuilder<AuditEntry> b)
    {
        b.ToTable("audit_log");
        b.Property(x => x.Actor).HasMaxLength(AuditEntry.MaxActor).IsRequired();
        b.Property(x => x.Action).HasMaxLength(AuditEntry.MaxAction).IsRequired();
        b.Property(x => x.EntityType).HasMaxLength(AuditEntry.MaxEntityType).IsRequired();
        b.Property(x => x.EntityId).HasMaxLength(AuditEntry.MaxEntityId);
        b.Property(x => x.BeforeJson).HasColumnType("longtext");
        b.Property(x => x.AfterJson).HasColumnType("longtext");
        // The audit page lists newest first, optionally for one entity or one actor.
        b.HasIndex(x => x.At);
        b.HasIndex(x => new { x.EntityType, x.EntityId });
        b.HasIndex(x => new { x.Actor, x.At });
    }
}

internal sealed class MemberImportConfiguration : IEntityTypeConfiguration<MemberImport>
{
    public void Configure(EntityTypeBuilder<MemberImport> b)
    {
        b.Property(x => x.FileName).HasMaxLength(200).IsRequired();
        b.Property(x => x.FileHash).HasMaxLength(32).IsFixedLength().IsRequired();
        b.Property(x => x.Content).HasColumnType("longblob").IsRequired();
        b.Property(x => x.ErrorReport).HasColumnType("longtext");
        b.Property(x => x.Failure).HasMaxLength(500);
        b.Property(x => x.CreatedBy).HasMaxLength(64).IsRequired();
        // Re-uploading the same file finds the first import instead of importing twice.
        b.HasIndex(x => x.FileHash).IsUnique();
        b.HasIndex(x => x.CreatedAt);
    }
}
