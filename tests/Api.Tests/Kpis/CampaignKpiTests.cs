using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using WechatLoyalty.Api.Tests.Infrastructure;
using WechatLoyalty.Domain.Admin;
using WechatLoyalty.Domain.Messaging;

namespace WechatLoyalty.Api.Tests.Kpis;

/// <summary>
/// The campaign panel over the messages pipeline's delivery records (message_deliveries), written here directly.
/// </summary>
public class CampaignKpiTests(KpiFactory factory) : IClassFixture<KpiFactory>
{
    [Fact]
    public async Task CampaignDelivery_CountsStatusesAndPurchasesWithinSevenDays_DeliveredCountingAsSent()
    {
        var data = await factory.Data;
        await factory.WithDbAsync(async db =>
        {
            void D(string member, long campaign, DeliveryStatus status, string at) => db.MessageDeliveries.Add(new MessageDelivery
            {
                MemberId = data.Members[member], Kind = MessageKinds.Campaign, OccasionKey = $"campaign:{campaign}", CampaignId = campaign,
                Channel = DeliveryChannel.OfficialAccount, Status = status, CreatedAt = KpiData.Utc(at), UpdatedAt = KpiData.Utc(at), FinishedAt = KpiData.Utc(at),
            });
            // Delivered (the OA's TEMPLATESENDJOBFINISH said success) was sent first: it counts as sent, and m1 buys on 10 Oct: converted.
            D("m1", 7, DeliveryStatus.Delivered, "2026-10-09T00:00:00Z");
            D("m2", 7, DeliveryStatus.Sent, "2026-10-20T00:00:00Z");          // m2 buys nothing after: not converted
            D("m5", 7, DeliveryStatus.Undeliverable, "2026-10-09T00:00:00Z");
            D("m6", 7, DeliveryStatus.Failed, "2026-10-09T00:00:00Z");
            D("m1", 8, DeliveryStatus.Sent, "2026-09-01T00:00:00Z");          // before the period
            await db.SaveChangesAsync();
        });
        var client = await ConsoleAccounts.SignedInClientAsync(factory, AdminRole.Marketing);

        var panel = await client.GetFromJsonAsync<JsonElement>("/api/admin/kpis/campaign-delivery?from=2026-10-01&to=2026-10-31");

        Assert.True(panel.GetProperty("available").GetBoolean());
        var rows = panel.GetProperty("table").GetProperty("rows").EnumerateArray().ToList();
        var row = Assert.Single(rows);
        Assert.Equal([7m, 4m, 2m, 1m, 1m, 1m, 50.0m], row.EnumerateArray().Select(c => c.GetDecimal()));
    }
}
