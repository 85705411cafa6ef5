using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using MySqlConnector;
using WechatLoyalty.Domain.Data;

namespace WechatLoyalty.Domain.Campaigns;

public sealed record ConversionFigures(int Members, int Converted, decimal RatePercent, long SpendFen);

public sealed record CampaignResult(
    long CampaignId, CampaignStatus Status, int Targeted, int HeldOut, int Pending, int Sent, int Delivered, int Undeliverable, int Failed,
    IReadOnlyDictionary<string, int> NotSentByReason, int ConversionDays, ConversionFigures Conversion, ConversionFigures HoldoutConversion,
    decimal? UpliftPoints);

/// <summary>
/// What a campaign did: the frozen audience by outcome, the reasons it did not reach members, and conversion: members
/// who paid (a payment not fully refunded) within N days (default 7) after their message, with their net spend in
/// that window; the hold-out group measured the same way from the moment sending started, for comparison.
/// </summary>
public sealed class CampaignResults(LoyaltyDbContext db, IOptions<CampaignsOptions> options)
{
    public async Task<CampaignResult> GetAsync(long campaignId, CancellationToken ct)
    {
        var campaign = await db.Campaigns.AsNoTracking().SingleOrDefaultAsync(c => c.Id == campaignId, ct) ?? throw CampaignCommands.NotFound();
        var days = options.Value.ConversionDays;
        var byStatus = await db.CampaignRecipients.AsNoTracking().Where(r => r.CampaignId == campaignId)
            .GroupBy(r => new { r.Status, r.Reason }).Select(g => new { g.Key.Status, g.Key.Reason, Count = g.Count() }).ToListAsync(ct);
        int Count(RecipientStatus s) => byStatus.Where(x => x.Status == s).Sum(x => x.Count);
        // Delivered = the OA's TEMPLATESENDJOBFINISH said so (on the pipeline's record), or the sender knew at once.
        var delivered = await db.MessageDeliveries.CountAsync(d => d.CampaignId == campaignId && d.Status == Messaging.DeliveryStatus.Delivered, ct)
            + await db.CampaignRecipients.CountAsync(r => r.CampaignId == campaignId && r.DeliveredAt != null, ct);
        var reasons = byStatus.Where(x => x.Status is RecipientStatus.Failed or RecipientStatus.Undeliverable)
            .GroupBy(x => x.Reason ?? "unknown").ToDictionary(g => g.Key, g => g.Sum(x => x.Count));

        var sent = Count(RecipientStatus.Sent);
        var heldOut = Count(RecipientStatus.HeldOut);
        var (converted, spend) = await ConversionAsync("""
            SELECT COUNT(DISTINCT r.member_id), COALESCE(SUM(p.payer_total_fen - p.refunded_fen), 0)
            FROM campaign_recipients r
            JOIN payments p ON p.member_id = r.member_id AND p.paid_at > r.sent_at AND p.paid_at <= DATE_ADD(r.sent_at, INTERVAL @days DAY)
                AND p.payer_total_fen > p.refunded_fen
            WHERE r.campaign_id = @campaign AND r.status = 'Sent'
            """, ct, new MySqlParameter("@campaign", campaignId), new MySqlParameter("@days", days));
        var conversion = Figures(sent, converted, spend);

        var holdout = Figures(heldOut, 0, 0);
        if (campaign.StartedAt is { } started && heldOut > 0)
        {
            var (holdoutConverted, holdoutSpend) = await ConversionAsync("""
                SELECT COUNT(DISTINCT r.member_id), COALESCE(SUM(p.payer_total_fen - p.refunded_fen), 0)
                FROM campaign_recipients r
                JOIN payments p ON p.member_id = r.member_id AND p.paid_at > @from AND p.paid_at <= @to AND p.payer_total_fen > p.refunded_fen
                WHERE r.campaign_id = @campaign AND r.status = 'HeldOut'
                """, ct, new MySqlParameter("@campaign", campaignId), new MySqlParameter("@from", started), new MySqlParameter("@to", started.AddDays(days)));
            holdout = Figures(heldOut, holdoutConverted, holdoutSpend);
        }
        decimal? uplift = sent > 0 && heldOut > 0 ? conversion.RatePercent - holdout.RatePercent : null;
        return new CampaignResult(campaign.Id, campaign.Status, campaign.Targeted, campaign.HeldOut, Count(RecipientStatus.Pending), sent, delivered,
            Count(RecipientStatus.Undeliverable), Count(RecipientStatus.Failed), reasons, days, conversion, holdout, uplift);
    }

    private static ConversionFigures Figures(int members, int converted, long spend) =>
        new(members, converted, members == 0 ? 0 : Math.Round(100m * converted / members, 2), spend);

    private async Task<(int Converted, long SpendFen)> ConversionAsync(string sql, CancellationToken ct, params MySqlParameter[] parameters)
    {
        var connection = db.Database.GetDbConnection();
        await db.Database.OpenConnectionAsync(ct);
        try
        {
            await using var command = connection.CreateCommand();
            command.CommandText = sql;
            command.Parameters.AddRange(parameters);
            await using var reader = await command.ExecuteReaderAsync(ct);
            await reader.ReadAsync(ct);
            return (Convert.ToInt32(reader.GetValue(0), System.Globalization.CultureInfo.InvariantCulture),
                Convert.ToInt64(reader.GetValue(1), System.Globalization.CultureInfo.InvariantCulture));
        }
        finally
        {
            await db.Database.CloseConnectionAsync();
        }
    }
}
