using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using WechatLoyalty.Domain.Kpis.Rollup;

namespace WechatLoyalty.Domain.Data.Configurations;

/// <summary>
/// Clustered by day: the panels read ranges of days. Member-first for the refresh (delete and rewrite one member's
/// rows) and the lifecycle probes; store-first and covering for one store's views.
/// </summary>
internal sealed class KpiMemberDayConfiguration : IEntityTypeConfiguration<KpiMemberDay>
{
    public void Configure(EntityTypeBuilder<KpiMemberDay> b)
    {
        b.ToTable("kpi_member_days");
        b.HasKey(x => new { x.Day, x.MemberId });
        b.HasIndex(x => new { x.MemberId, x.Day });
        b.HasIndex(x => new { x.StoreId, x.Day, x.PrevDay, x.NextDay, x.Orders, x.NetFen, x.D2, x.D3, x.D4, x.D5, x.D6 }, "ix_kpi_member_days_store");
    }
}

internal sealed class KpiRollupStateConfiguration : IEntityTypeConfiguration<KpiRollupState>
{
    public void Configure(EntityTypeBuilder<KpiRollupState> b)
    {
        b.ToTable("kpi_rollup_state");
        b.Property(x => x.Id).ValueGeneratedNever();
    }
}
