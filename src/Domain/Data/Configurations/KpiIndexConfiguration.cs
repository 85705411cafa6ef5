using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using WechatLoyalty.Domain.Members;
using WechatLoyalty.Domain.Payments;
using WechatLoyalty.Domain.Points;

namespace WechatLoyalty.Domain.Data.Configurations;

// The KPI panels' indexes (src/Domain/Kpis; measured in bench/results/kpis.md). Kept apart from the entities'
// own configurations: EF applies every configuration of an entity, and these exist only for the dashboard.

/// <summary>
/// Time-range panels (AOV, repurchase, frequency, churn, active members) scan payments by paid_at with no member
/// in hand; covering, so the scan never reads the rows. The member-first index serves the per-member probes.
/// </summary>
internal sealed class PaymentKpiIndexConfiguration : IEntityTypeConfiguration<Payment>
{
    public void Configure(EntityTypeBuilder<Payment> b) =>
        b.HasIndex(x => new { x.PaidAt, x.MemberId, x.PayerTotalFen, x.RefundedFen, x.StoreId }, "ix_payments_kpi_paid_at");
}

/// <summary>Points issued/redeemed/expired per period and the outstanding balance at a past instant: a covering range by time.</summary>
internal sealed class PointEntryKpiIndexConfiguration : IEntityTypeConfiguration<PointEntry>
{
    public void Configure(EntityTypeBuilder<PointEntry> b) =>
        b.HasIndex(x => new { x.CreatedAt, x.Kind, x.Delta, x.PendingDelta, x.MemberId }, "ix_point_entries_kpi_created_at");
}

/// <summary>Member counts at an instant subtract the deleted accounts: few rows, found by deleted_at.</summary>
internal sealed class MemberKpiIndexConfiguration : IEntityTypeConfiguration<Member>
{
    public void Configure(EntityTypeBuilder<Member> b) => b.HasIndex(x => new { x.DeletedAt, x.StoreId }, "ix_members_kpi_deleted_at");
}
