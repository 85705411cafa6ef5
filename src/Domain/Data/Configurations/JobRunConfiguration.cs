using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using WechatLoyalty.Domain.Operations;

namespace WechatLoyalty.Domain.Data.Configurations;

internal sealed class JobRunConfiguration : IEntityTypeConfiguration<JobRun>
{
    public void Configure(EntityTypeBuilder<JobRun> b)
    {
        b.Property(x => x.JobId).HasMaxLength(64).IsRequired();
        b.Property(x => x.Unit).HasMaxLength(32).IsRequired();
        b.Property(x => x.Summary).HasMaxLength(512);
        b.Property(x => x.Error).HasMaxLength(1024);
        b.HasIndex(x => new { x.JobId, x.StartedAt });
        b.HasIndex(x => x.StartedAt);
    }
}
