using System;
using Microsoft.EntityFrameworkCore.Metadata;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace WechatLoyalty.Domain.Data.Migrations
{
    /// <inheritdoc />
    public partial class PointsLedger : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "ix_point_lots_expires_at_remaining",
                table: "point_lots");

            migrationBuilder.DropIndex(
                name: "ix_point_lots_pending_until",
                table: "point_lots");

            migrationBuilder.AddColumn<bool>(
                name: "is_pending",
                table: "point_lots",
                type: "tinyint(1)",
                nullable: false,
                defaultValue: false);

            migrationBuilder.AddColumn<string>(
                name: "actor",
                table: "point_entries",
                type: "varchar(64)",
                maxLength: 64,
                nullable: true,
                collation: "utf8mb4_unicode_ci")
                .Annotation("MySql:CharSet", "utf8mb4");

            migrationBuilder.AddColumn<long>(
                name: "pending_delta",
                table: "point_entries",
                type: "bigint",
                nullable: false,
                defaultValue: 0L);

            migrationBuilder.CreateTable(
                name: "point_reservations",
                columns: table => new
                {
                    id = table.Column<long>(type: "bigint", nullable: false)
                        .Annotation("MySql:ValueGenerationStrategy", MySqlValueGenerationStrategy.IdentityColumn),
                    member_id = table.Column<long>(type: "bigint", nullable: false),
                    order_no = table.Column<string>(type: "varchar(32)", maxLength: 32, nullable: false, collation: "utf8mb4_unicode_ci")
                        .Annotation("MySql:CharSet", "utf8mb4"),
                    points = table.Column<long>(type: "bigint", nullable: false),
                    status = table.Column<string>(type: "varchar(32)", maxLength: 32, nullable: false, collation: "utf8mb4_unicode_ci")
                        .Annotation("MySql:CharSet", "utf8mb4"),
                    created_at = table.Column<DateTime>(type: "datetime(6)", precision: 6, nullable: false),
                    settled_at = table.Column<DateTime>(type: "datetime(6)", precision: 6, nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_point_reservations", x => x.id);
                    table.ForeignKey(
                        name: "fk_point_reservations_members_member_id",
                        column: x => x.member_id,
                        principalTable: "members",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Restrict);
                })
                .Annotation("MySql:CharSet", "utf8mb4")
                .Annotation("Relational:Collation", "utf8mb4_unicode_ci");

            migrationBuilder.CreateTable(
                name: "point_reservation_lots",
                columns: table => new
                {
                    reservation_id = table.Column<long>(type: "bigint", nullable: false),
                    lot_id = table.Column<long>(type: "bigint", nullable: false),
                    points = table.Column<long>(type: "bigint", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_point_reservation_lots", x => new { x.reservation_id, x.lot_id });
                    table.ForeignKey(
                        name: "fk_point_reservation_lots_point_lots_lot_id",
                        column: x => x.lot_id,
                        principalTable: "point_lots",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Restrict);
                    table.ForeignKey(
                        name: "fk_point_reservation_lots_point_reservations_reservation_id",
                        column: x => x.reservation_id,
                        principalTable: "point_reservations",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Cascade);
                })
                .Annotation("MySql:CharSet", "utf8mb4")
                .Annotation("Relational:Collation", "utf8mb4_unicode_ci");

            migrationBuilder.CreateIndex(
                name: "ix_point_lots_expired_at_expires_at",
                table: "point_lots",
                columns: new[] { "expired_at", "expires_at" });

            migrationBuilder.CreateIndex(
                name: "ix_point_lots_is_pending_pending_until",
                table: "point_lots",
                columns: new[] { "is_pending", "pending_until" });

            migrationBuilder.CreateIndex(
                name: "ix_point_reservation_lots_lot_id",
                table: "point_reservation_lots",
                column: "lot_id");

            migrationBuilder.CreateIndex(
                name: "ix_point_reservations_member_id_created_at",
                table: "point_reservations",
                columns: new[] { "member_id", "created_at" });

            migrationBuilder.CreateIndex(
                name: "ix_point_reservations_order_no",
                table: "point_reservations",
                column: "order_no",
                unique: true);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "point_reservation_lots");

            migrationBuilder.DropTable(
                name: "point_reservations");

            migrationBuilder.DropIndex(
                name: "ix_point_lots_expired_at_expires_at",
                table: "point_lots");

            migrationBuilder.DropIndex(
                name: "ix_point_lots_is_pending_pending_until",
                table: "point_lots");

            migrationBuilder.DropColumn(
                name: "is_pending",
                table: "point_lots");

            migrationBuilder.DropColumn(
                name: "actor",
                table: "point_entries");

            migrationBuilder.DropColumn(
                name: "pending_delta",
                table: "point_entries");

            migrationBuilder.CreateIndex(
                name: "ix_point_lots_expires_at_remaining",
                table: "point_lots",
                columns: new[] { "expires_at", "remaining" });

            migrationBuilder.CreateIndex(
                name: "ix_point_lots_pending_until",
                table: "point_lots",
                column: "pending_until");
        }
    }
}
