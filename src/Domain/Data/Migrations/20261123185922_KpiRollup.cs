using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace WechatLoyalty.Domain.Data.Migrations
{
    /// <inheritdoc />
    public partial class KpiRollup : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "kpi_member_days",
                columns: table => new
                {
                    day = table.Column<DateOnly>(type: "date", nullable: false),
                    member_id = table.Column<long>(type: "bigint", nullable: false),
                    store_id = table.Column<long>(type: "bigint", nullable: true),
                    orders = table.Column<int>(type: "int", nullable: false),
                    net_fen = table.Column<long>(type: "bigint", nullable: false),
                    prev_day = table.Column<DateOnly>(type: "date", nullable: false),
                    next_day = table.Column<DateOnly>(type: "date", nullable: false),
                    d2 = table.Column<DateOnly>(type: "date", nullable: false),
                    d3 = table.Column<DateOnly>(type: "date", nullable: false),
                    d4 = table.Column<DateOnly>(type: "date", nullable: false),
                    d5 = table.Column<DateOnly>(type: "date", nullable: false),
                    d6 = table.Column<DateOnly>(type: "date", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_kpi_member_days", x => new { x.day, x.member_id });
                })
                .Annotation("MySql:CharSet", "utf8mb4")
                .Annotation("Relational:Collation", "utf8mb4_unicode_ci");

            migrationBuilder.CreateTable(
                name: "kpi_rollup_state",
                columns: table => new
                {
                    id = table.Column<int>(type: "int", nullable: false),
                    watermark = table.Column<DateTime>(type: "datetime(6)", precision: 6, nullable: false),
                    refreshed_at = table.Column<DateTime>(type: "datetime(6)", precision: 6, nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_kpi_rollup_state", x => x.id);
                })
                .Annotation("MySql:CharSet", "utf8mb4")
                .Annotation("Relational:Collation", "utf8mb4_unicode_ci");

            migrationBuilder.CreateIndex(
                name: "ix_kpi_member_days_member_id_day",
                table: "kpi_member_days",
                columns: new[] { "member_id", "day" });

            migrationBuilder.CreateIndex(
                name: "ix_kpi_member_days_store",
                table: "kpi_member_days",
                columns: new[] { "store_id", "day", "prev_day", "next_day", "orders", "net_fen", "d2", "d3", "d4", "d5", "d6" });

            // When a payment last changed (inserted, refunded, claimed by a member), kept by the server itself so no
            // code path can forget it: the rollup re-rolls the members whose payments changed since its watermark.
            // Not in the EF model on purpose: EF would read a store-generated value back after every insert and
            // update on the pay-notification path.
            // Added with a constant default, so existing payments count as unchanged since long ago (and MariaDB adds the
            // column without copying the table); then new and updated rows take the server's time.
            migrationBuilder.Sql("ALTER TABLE payments ADD COLUMN kpi_touched_at DATETIME(6) NOT NULL DEFAULT '2000-01-01 00:00:00'");
            migrationBuilder.Sql("""
                ALTER TABLE payments
                    MODIFY COLUMN kpi_touched_at DATETIME(6) NOT NULL DEFAULT CURRENT_TIMESTAMP(6) ON UPDATE CURRENT_TIMESTAMP(6)
                """);
            migrationBuilder.Sql("ALTER TABLE payments ADD INDEX ix_payments_kpi_touched_at (kpi_touched_at, member_id)");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.Sql("ALTER TABLE payments DROP INDEX ix_payments_kpi_touched_at, DROP COLUMN kpi_touched_at");

            migrationBuilder.DropTable(
                name: "kpi_member_days");

            migrationBuilder.DropTable(
                name: "kpi_rollup_state");
        }
    }
}
