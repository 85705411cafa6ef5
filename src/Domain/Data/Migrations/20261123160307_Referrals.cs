using System;
using Microsoft.EntityFrameworkCore.Metadata;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace WechatLoyalty.Domain.Data.Migrations
{
    /// <inheritdoc />
    public partial class Referrals : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "referral_card_opens",
                columns: table => new
                {
                    id = table.Column<long>(type: "bigint", nullable: false)
                        .Annotation("MySql:ValueGenerationStrategy", MySqlValueGenerationStrategy.IdentityColumn),
                    referrer_member_id = table.Column<long>(type: "bigint", nullable: false),
                    opener_identity_id = table.Column<long>(type: "bigint", nullable: false),
                    opener_member_id = table.Column<long>(type: "bigint", nullable: true),
                    scene = table.Column<int>(type: "int", nullable: true),
                    source = table.Column<string>(type: "varchar(32)", maxLength: 32, nullable: false, collation: "utf8mb4_unicode_ci")
                        .Annotation("MySql:CharSet", "utf8mb4"),
                    open_gid = table.Column<string>(type: "varchar(64)", maxLength: 64, nullable: true, collation: "utf8mb4_unicode_ci")
                        .Annotation("MySql:CharSet", "utf8mb4"),
                    opened_at = table.Column<DateTime>(type: "datetime(6)", precision: 6, nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_referral_card_opens", x => x.id);
                    table.ForeignKey(
                        name: "fk_referral_card_opens_member_identities_opener_identity_id",
                        column: x => x.opener_identity_id,
                        principalTable: "member_identities",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Restrict);
                    table.ForeignKey(
                        name: "fk_referral_card_opens_members_referrer_member_id",
                        column: x => x.referrer_member_id,
                        principalTable: "members",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Restrict);
                })
                .Annotation("MySql:CharSet", "utf8mb4")
                .Annotation("Relational:Collation", "utf8mb4_unicode_ci");

            migrationBuilder.CreateTable(
                name: "referral_refusals",
                columns: table => new
                {
                    id = table.Column<long>(type: "bigint", nullable: false)
                        .Annotation("MySql:ValueGenerationStrategy", MySqlValueGenerationStrategy.IdentityColumn),
                    stage = table.Column<string>(type: "varchar(32)", maxLength: 32, nullable: false, collation: "utf8mb4_unicode_ci")
                        .Annotation("MySql:CharSet", "utf8mb4"),
                    reason = table.Column<string>(type: "varchar(32)", maxLength: 32, nullable: false, collation: "utf8mb4_unicode_ci")
                        .Annotation("MySql:CharSet", "utf8mb4"),
                    referrer_member_id = table.Column<long>(type: "bigint", nullable: true),
                    referee_member_id = table.Column<long>(type: "bigint", nullable: true),
                    referral_id = table.Column<long>(type: "bigint", nullable: true),
                    code = table.Column<string>(type: "varchar(16)", maxLength: 16, nullable: true, collation: "utf8mb4_unicode_ci")
                        .Annotation("MySql:CharSet", "utf8mb4"),
                    detail = table.Column<string>(type: "varchar(200)", maxLength: 200, nullable: true, collation: "utf8mb4_unicode_ci")
                        .Annotation("MySql:CharSet", "utf8mb4"),
                    at = table.Column<DateTime>(type: "datetime(6)", precision: 6, nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_referral_refusals", x => x.id);
                })
                .Annotation("MySql:CharSet", "utf8mb4")
                .Annotation("Relational:Collation", "utf8mb4_unicode_ci");

            migrationBuilder.CreateTable(
                name: "referrals",
                columns: table => new
                {
                    id = table.Column<long>(type: "bigint", nullable: false)
                        .Annotation("MySql:ValueGenerationStrategy", MySqlValueGenerationStrategy.IdentityColumn),
                    referrer_member_id = table.Column<long>(type: "bigint", nullable: false),
                    referee_member_id = table.Column<long>(type: "bigint", nullable: false),
                    referee_identity_id = table.Column<long>(type: "bigint", nullable: false),
                    code = table.Column<string>(type: "varchar(16)", maxLength: 16, nullable: false, collation: "utf8mb4_unicode_ci")
                        .Annotation("MySql:CharSet", "utf8mb4"),
                    card_open_id = table.Column<long>(type: "bigint", nullable: true),
                    open_gid = table.Column<string>(type: "varchar(64)", maxLength: 64, nullable: true, collation: "utf8mb4_unicode_ci")
                        .Annotation("MySql:CharSet", "utf8mb4"),
                    store_id = table.Column<long>(type: "bigint", nullable: true),
                    joined_at = table.Column<DateTime>(type: "datetime(6)", precision: 6, nullable: false),
                    welcome_points = table.Column<long>(type: "bigint", nullable: false),
                    status = table.Column<string>(type: "varchar(32)", maxLength: 32, nullable: false, collation: "utf8mb4_unicode_ci")
                        .Annotation("MySql:CharSet", "utf8mb4"),
                    payment_id = table.Column<long>(type: "bigint", nullable: true),
                    purchased_at = table.Column<DateTime>(type: "datetime(6)", precision: 6, nullable: true),
                    reward_month = table.Column<string>(type: "varchar(7)", maxLength: 7, nullable: true, collation: "utf8mb4_unicode_ci")
                        .Annotation("MySql:CharSet", "utf8mb4"),
                    reward_points = table.Column<long>(type: "bigint", nullable: false),
                    reward_pending_until = table.Column<DateTime>(type: "datetime(6)", precision: 6, nullable: true),
                    reward_paid_at = table.Column<DateTime>(type: "datetime(6)", precision: 6, nullable: true),
                    reward_reversed_at = table.Column<DateTime>(type: "datetime(6)", precision: 6, nullable: true),
                    reward_reason = table.Column<string>(type: "varchar(32)", maxLength: 32, nullable: true, collation: "utf8mb4_unicode_ci")
                        .Annotation("MySql:CharSet", "utf8mb4")
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_referrals", x => x.id);
                    table.ForeignKey(
                        name: "fk_referrals_members_referee_member_id",
                        column: x => x.referee_member_id,
                        principalTable: "members",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Restrict);
                    table.ForeignKey(
                        name: "fk_referrals_members_referrer_member_id",
                        column: x => x.referrer_member_id,
                        principalTable: "members",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Restrict);
                    table.ForeignKey(
                        name: "fk_referrals_payments_payment_id",
                        column: x => x.payment_id,
                        principalTable: "payments",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Restrict);
                    table.ForeignKey(
                        name: "fk_referrals_referral_card_opens_card_open_id",
                        column: x => x.card_open_id,
                        principalTable: "referral_card_opens",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Restrict);
                })
                .Annotation("MySql:CharSet", "utf8mb4")
                .Annotation("Relational:Collation", "utf8mb4_unicode_ci");

            migrationBuilder.CreateIndex(
                name: "ix_referral_card_opens_open_gid_opened_at",
                table: "referral_card_opens",
                columns: new[] { "open_gid", "opened_at" });

            migrationBuilder.CreateIndex(
                name: "ix_referral_card_opens_opened_at",
                table: "referral_card_opens",
                column: "opened_at");

            migrationBuilder.CreateIndex(
                name: "ix_referral_card_opens_opener_identity_id_referrer_member_id_op~",
                table: "referral_card_opens",
                columns: new[] { "opener_identity_id", "referrer_member_id", "opened_at" });

            migrationBuilder.CreateIndex(
                name: "ix_referral_card_opens_referrer_member_id_opened_at",
                table: "referral_card_opens",
                columns: new[] { "referrer_member_id", "opened_at" });

            migrationBuilder.CreateIndex(
                name: "ix_referral_refusals_at_reason",
                table: "referral_refusals",
                columns: new[] { "at", "reason" });

            migrationBuilder.CreateIndex(
                name: "ix_referral_refusals_referee_member_id",
                table: "referral_refusals",
                column: "referee_member_id");

            migrationBuilder.CreateIndex(
                name: "ix_referral_refusals_referrer_member_id",
                table: "referral_refusals",
                column: "referrer_member_id");

            migrationBuilder.CreateIndex(
                name: "ix_referrals_card_open_id",
                table: "referrals",
                column: "card_open_id");

            migrationBuilder.CreateIndex(
                name: "ix_referrals_joined_at",
                table: "referrals",
                column: "joined_at");

            migrationBuilder.CreateIndex(
                name: "ix_referrals_open_gid",
                table: "referrals",
                column: "open_gid");

            migrationBuilder.CreateIndex(
                name: "ix_referrals_payment_id",
                table: "referrals",
                column: "payment_id");

            migrationBuilder.CreateIndex(
                name: "ix_referrals_referee_member_id",
                table: "referrals",
                column: "referee_member_id",
                unique: true);

            migrationBuilder.CreateIndex(
                name: "ix_referrals_referrer_member_id_reward_month",
                table: "referrals",
                columns: new[] { "referrer_member_id", "reward_month" });

            migrationBuilder.CreateIndex(
                name: "ix_referrals_status_reward_pending_until",
                table: "referrals",
                columns: new[] { "status", "reward_pending_until" });
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "referral_refusals");

            migrationBuilder.DropTable(
                name: "referrals");

            migrationBuilder.DropTable(
                name: "referral_card_opens");
        }
    }
}
