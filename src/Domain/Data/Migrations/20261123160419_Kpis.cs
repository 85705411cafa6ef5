using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace WechatLoyalty.Domain.Data.Migrations
{
    /// <inheritdoc />
    public partial class Kpis : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateIndex(
                name: "ix_point_entries_kpi_created_at",
                table: "point_entries",
                columns: new[] { "created_at", "kind", "delta", "pending_delta", "member_id" });

            migrationBuilder.CreateIndex(
                name: "ix_payments_kpi_paid_at",
                table: "payments",
                columns: new[] { "paid_at", "member_id", "payer_total_fen", "refunded_fen", "store_id" });

            migrationBuilder.CreateIndex(
                name: "ix_members_kpi_deleted_at",
                table: "members",
                columns: new[] { "deleted_at", "store_id" });
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "ix_point_entries_kpi_created_at",
                table: "point_entries");

            migrationBuilder.DropIndex(
                name: "ix_payments_kpi_paid_at",
                table: "payments");

            migrationBuilder.DropIndex(
                name: "ix_members_kpi_deleted_at",
                table: "members");
        }
    }
}
