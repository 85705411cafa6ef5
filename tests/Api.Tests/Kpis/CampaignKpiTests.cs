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
            // The messages feature's table (merged): the rows are written as its dispatcher would leave them.
            async Task D(string member, long campaign, string status, string at)
            {
                var when = KpiData.Utc(at);
                db.MessageDeliveries.Add(new WechatLoyalty.Domain.Messaging.MessageDelivery
                {
                    MemberId = data.Members[member], Kind = "Campaign", OccasionKey = $"c{campaign}", CampaignId = campaign,
                    Channel = WechatLoyalty.Domain.Messaging.DeliveryChannel.OfficialAccount,
                    Status = Enum.Parse<WechatLoyalty.Domain.Messaging.DeliveryStatus>(status), CreatedAt = when, UpdatedAt = when, FinishedAt = when,
                });
                await db.SaveChangesAsync();
            }
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
