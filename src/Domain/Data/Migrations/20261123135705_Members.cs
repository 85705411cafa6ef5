using System;
using Microsoft.EntityFrameworkCore.Metadata;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace WechatLoyalty.Domain.Data.Migrations
{
    /// <inheritdoc />
    public partial class Members : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<string>(
                name: "oa_qr_ticket",
                table: "stores",
                type: "varchar(256)",
                maxLength: 256,
                nullable: true,
                collation: "utf8mb4_unicode_ci")
                .Annotation("MySql:CharSet", "utf8mb4");

            migrationBuilder.AddColumn<string>(
                name: "oa_qr_url",
                table: "stores",
                type: "varchar(256)",
                maxLength: 256,
                nullable: true,
                collation: "utf8mb4_unicode_ci")
                .Annotation("MySql:CharSet", "utf8mb4");

            migrationBuilder.AddColumn<DateTime>(
                name: "follow_changed_at",
                table: "member_identities",
                type: "datetime(6)",
                precision: 6,
                nullable: true);

            migrationBuilder.AddColumn<byte[]>(
                name: "session_key_cipher",
                table: "member_identities",
                type: "varbinary(128)",
                maxLength: 128,
                nullable: true);

            migrationBuilder.CreateTable(
                name: "member_consents",
                columns: table => new
                {
                    id = table.Column<long>(type: "bigint", nullable: false)
                        .Annotation("MySql:ValueGenerationStrategy", MySqlValueGenerationStrategy.IdentityColumn),
                    member_id = table.Column<long>(type: "bigint", nullable: false),
                    kind = table.Column<string>(type: "varchar(32)", maxLength: 32, nullable: false, collation: "utf8mb4_unicode_ci")
                        .Annotation("MySql:CharSet", "utf8mb4"),
                    version = table.Column<string>(type: "varchar(32)", maxLength: 32, nullable: false, collation: "utf8mb4_unicode_ci")
                        .Annotation("MySql:CharSet", "utf8mb4"),
                    accepted_at = table.Column<DateTime>(type: "datetime(6)", precision: 6, nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_member_consents", x => x.id);
                    table.ForeignKey(
                        name: "fk_member_consents_members_member_id",
                        column: x => x.member_id,
                        principalTable: "members",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Restrict);
                })
                .Annotation("MySql:CharSet", "utf8mb4")
                .Annotation("Relational:Collation", "utf8mb4_unicode_ci");

            migrationBuilder.CreateTable(
                name: "member_sessions",
                columns: table => new
                {
                    id = table.Column<long>(type: "bigint", nullable: false)
                        .Annotation("MySql:ValueGenerationStrategy", MySqlValueGenerationStrategy.IdentityColumn),
                    identity_id = table.Column<long>(type: "bigint", nullable: false),
                    token_hash = table.Column<byte[]>(type: "varbinary(32)", maxLength: 32, nullable: false),
                    created_at = table.Column<DateTime>(type: "datetime(6)", precision: 6, nullable: false),
                    expires_at = table.Column<DateTime>(type: "datetime(6)", precision: 6, nullable: false),
                    revoked_at = table.Column<DateTime>(type: "datetime(6)", precision: 6, nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_member_sessions", x => x.id);
                    table.ForeignKey(
                        name: "fk_member_sessions_member_identities_identity_id",
                        column: x => x.identity_id,
                        principalTable: "member_identities",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Cascade);
                })
                .Annotation("MySql:CharSet", "utf8mb4")
                .Annotation("Relational:Collation", "utf8mb4_unicode_ci");

            migrationBuilder.CreateIndex(
                name: "ix_member_consents_member_id_kind_version",
                table: "member_consents",
                columns: new[] { "member_id", "kind", "version" },
                unique: true);

            migrationBuilder.CreateIndex(
                name: "ix_member_sessions_expires_at",
                table: "member_sessions",
                column: "expires_at");

            migrationBuilder.CreateIndex(
                name: "ix_member_sessions_identity_id",
                table: "member_sessions",
                column: "identity_id");

            migrationBuilder.CreateIndex(
                name: "ix_member_sessions_token_hash",
                table: "member_sessions",
                column: "token_hash",
                unique: true);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "member_consents");

            migrationBuilder.DropTable(
                name: "member_sessions");

            migrationBuilder.DropColumn(
                name: "oa_qr_ticket",
                table: "stores");

            migrationBuilder.DropColumn(
                name: "oa_qr_url",
                table: "stores");

            migrationBuilder.DropColumn(
                name: "follow_changed_at",
                table: "member_identities");

            migrationBuilder.DropColumn(
                name: "session_key_cipher",
                table: "member_identities");
        }
    }
}
