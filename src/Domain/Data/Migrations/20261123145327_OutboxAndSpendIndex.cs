using System;
using Microsoft.EntityFrameworkCore.Metadata;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace WechatLoyalty.Domain.Data.Migrations
{
    /// <inheritdoc />
    public partial class OutboxAndSpendIndex : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "message_outbox",
                columns: table => new
                {
                    id = table.Column<long>(type: "bigint", nullable: false)
                        .Annotation("MySql:ValueGenerationStrategy", MySqlValueGenerationStrategy.IdentityColumn),
                    member_id = table.Column<long>(type: "bigint", nullable: false),
                    kind = table.Column<string>(type: "varchar(32)", maxLength: 32, nullable: false, collation: "utf8mb4_unicode_ci")
                        .Annotation("MySql:CharSet", "utf8mb4"),
                    payload_json = table.Column<string>(type: "json", nullable: false, collation: "utf8mb4_unicode_ci")
                        .Annotation("MySql:CharSet", "utf8mb4"),
                    idempotency_key = table.Column<string>(type: "varchar(96)", maxLength: 96, nullable: false, collation: "utf8mb4_unicode_ci")
                        .Annotation("MySql:CharSet", "utf8mb4"),
                    created_at = table.Column<DateTime>(type: "datetime(6)", precision: 6, nullable: false),
                    processed_at = table.Column<DateTime>(type: "datetime(6)", precision: 6, nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_message_outbox", x => x.id);
                    table.ForeignKey(
                        name: "fk_message_outbox_members_member_id",
                        column: x => x.member_id,
                        principalTable: "members",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Restrict);
                })
                .Annotation("MySql:CharSet", "utf8mb4")
                .Annotation("Relational:Collation", "utf8mb4_unicode_ci");

            migrationBuilder.CreateIndex(
                name: "ix_payments_member_id_paid_at_payer_total_fen_refunded_fen",
                table: "payments",
                columns: new[] { "member_id", "paid_at", "payer_total_fen", "refunded_fen" });

            // After the new index exists: MariaDB keeps an index on member_id at all times for the foreign key.
            migrationBuilder.DropIndex(
                name: "ix_payments_member_id_paid_at",
                table: "payments");

            migrationBuilder.CreateIndex(
                name: "ix_message_outbox_idempotency_key",
                table: "message_outbox",
                column: "idempotency_key",
                unique: true);

            migrationBuilder.CreateIndex(
                name: "ix_message_outbox_member_id",
                table: "message_outbox",
                column: "member_id");

            migrationBuilder.CreateIndex(
                name: "ix_message_outbox_processed_at_id",
                table: "message_outbox",
                columns: new[] { "processed_at", "id" });
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "message_outbox");

            migrationBuilder.CreateIndex(
                name: "ix_payments_member_id_paid_at",
                table: "payments",
                columns: new[] { "member_id", "paid_at" });

            migrationBuilder.DropIndex(
                name: "ix_payments_member_id_paid_at_payer_total_fen_refunded_fen",
                table: "payments");
        }
    }
}
