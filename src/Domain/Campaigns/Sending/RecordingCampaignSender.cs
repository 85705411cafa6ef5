using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using WechatLoyalty.Domain.Common;
using WechatLoyalty.Domain.Data;

namespace WechatLoyalty.Domain.Campaigns.Sending;

/// <summary>
/// Stand-in for the messages pipeline until it is merged: picks the channel as the pipeline will (official account
/// when the member follows it, otherwise undeliverable: subscription-message credits arrive with that branch) and
/// records the delivery in campaign_deliveries, unique per (campaign, member), returning the first record on a
/// repeat. It sends nothing to WeChat.
/// </summary>
public sealed class RecordingCampaignSender(LoyaltyDbContext db, TimeProvider time) : ICampaignSender
{
    public const string OfficialAccount = "OfficialAccount";
    public const string None = "None";

    /// <summary>One member at a time: it is a stand-in, not a path whose speed matters.</summary>
    public async Task<IReadOnlyDictionary<long, CampaignSendOutcome>> SendBatchAsync(IReadOnlyList<CampaignMessage> messages, int parallelism, CancellationToken ct)
    {
        var outcomes = new Dictionary<long, CampaignSendOutcome>();
        foreach (var message in messages) outcomes[message.MemberId] = await SendAsync(message, ct);
        return outcomes;
    }

    public async Task<CampaignSendOutcome> SendAsync(CampaignMessage message, CancellationToken ct)
    {
        if (await FindAsync(message, ct) is { } existing) return existing;
        var follows = await db.MemberIdentities.AnyAsync(i => i.MemberId == message.MemberId && i.Follows == true, ct);
        var delivery = new CampaignDelivery
        {
            CampaignId = message.CampaignId, MemberId = message.MemberId, Kind = message.Kind, TemplateId = message.TemplateId,
            Channel = follows ? OfficialAccount : None, Status = follows ? nameof(CampaignSendStatus.Sent) : nameof(CampaignSendStatus.Undeliverable),
            Reason = follows ? null : "no_channel", ValuesJson = JsonSerializer.Serialize(message.Values), CreatedAt = time.GetUtcNow().UtcDateTime,
        };
        db.CampaignDeliveries.Add(delivery);
        try
        {
            await db.SaveChangesAsync(ct);
        }
        catch (DbUpdateException ex) when (ex.IsDuplicateKey())
        {
            db.ChangeTracker.Clear();
            return await FindAsync(message, ct) ?? throw new InvalidOperationException("Duplicate delivery without a row.", ex);
        }
        return ToOutcome(delivery);
    }

    private async Task<CampaignSendOutcome?> FindAsync(CampaignMessage message, CancellationToken ct)
    {
        var row = await db.CampaignDeliveries.AsNoTracking()
            .SingleOrDefaultAsync(d => d.CampaignId == message.CampaignId && d.MemberId == message.MemberId, ct);
        return row is null ? null : ToOutcome(row);
    }

    private static CampaignSendOutcome ToOutcome(CampaignDelivery d) =>
        new(Enum.Parse<CampaignSendStatus>(d.Status), d.Channel, d.Reason, null, d.Id);
}
