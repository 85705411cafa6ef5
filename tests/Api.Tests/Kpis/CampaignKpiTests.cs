using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using WechatLoyalty.Api.Tests.Infrastructure;
using WechatLoyalty.Domain.Admin;

namespace WechatLoyalty.Api.Tests.Kpis;

/// <summary>
/// The campaign panel over a message_deliveries table shaped as contracts.md fixes it (the messages feature
/// creates it; here the test does, in its own database).
/// </summary>
public class CampaignKpiTests(KpiFactory factory) : IClassFixture<KpiFactory>
{
    [Fact]
    public async Task CampaignDelivery_CountsStatusesAndPurchasesWithinSevenDays()
    {
        var data = await factory.Data;
        await factory.WithDbAsync(async db =>
        {
            await db.Database.ExecuteSqlRawAsync("""
                CREATE TABLE message_deliveries (id BIGINT AUTO_INCREMENT PRIMARY KEY, member_id BIGINT NOT NULL,
                    kind VARCHAR(32) NOT NULL, occasion_key VARCHAR(96) NOT NULL, campaign_id BIGINT NULL, channel VARCHAR(32) NOT NULL,
                    template_id VARCHAR(64) NULL, status VARCHAR(32) NOT NULL, errcode INT NULL, msgid VARCHAR(64) NULL, reason VARCHAR(200) NULL,
                    created_at DATETIME(6) NOT NULL, updated_at DATETIME(6) NOT NULL, finished_at DATETIME(6) NULL,
                    UNIQUE KEY ux (member_id, kind, occasion_key))
                """);
            async Task D(string member, long campaign, string status, string at) => await db.Database.ExecuteSqlRawAsync(
                "INSERT INTO message_deliveries (member_id, kind, occasion_key, campaign_id, channel, status, created_at, updated_at, finished_at) " +
                "VALUES ({0}, 'Campaign', {1}, {2}, 'OfficialAccount', {3}, {4}, {4}, {4})",
                data.Members[member], $"c{campaign}", campaign, status, KpiData.Utc(at));
            await D("m1", 7, "Sent", "2026-10-09T00:00:00Z");          // m1 buys on 10 Oct: converted
            await D("m2", 7, "Sent", "2026-10-20T00:00:00Z");          // m2 buys nothing after: not converted
            await D("m5", 7, "Undeliverable", "2026-10-09T00:00:00Z");
            await D("m6", 7, "Failed", "2026-10-09T00:00:00Z");
            await D("m1", 8, "Sent", "2026-09-01T00:00:00Z");          // before the period
        });
        var client = await ConsoleAccounts.SignedInClientAsync(factory, AdminRole.Marketing);

        var panel = await client.GetFromJsonAsync<JsonElement>("/api/admin/kpis/campaign-delivery?from=2026-10-01&to=2026-10-31");

        Assert.True(panel.GetProperty("available").GetBoolean());
        var rows = panel.GetProperty("table").GetProperty("rows").EnumerateArray().ToList();
        var row = Assert.Single(rows);
        Assert.Equal([7m, 4m, 2m, 1m, 1m, 1m, 50.0m], row.EnumerateArray().Select(c => c.GetDecimal()));
    }
}
