using Microsoft.EntityFrameworkCore;
using WechatLoyalty.Domain.Data;
using WechatLoyalty.Domain.Messaging;

namespace WechatLoyalty.Domain.Campaigns.Sending;

/// <summary>
/// The campaign fan-out's sender in production: the members' messages pipeline (channel choice, consent credits,
/// rate limit, quota pause), with the occasion <c>campaign:{id}</c> so a member gets one message per campaign, ever.
/// A resumed fan-out that asks again gets the first attempt's outcome (the dispatcher's Skipped), mapped from the
/// stored record: a send the crash interrupted (still Pending) is never repeated and counts as failed.
/// </summary>
public sealed class DispatcherCampaignSender(MessageDispatcher dispatcher, LoyaltyDbContext db) : ICampaignSender
{
    public async Task<IReadOnlyDictionary<long, CampaignSendOutcome>> SendBatchAsync(IReadOnlyList<CampaignMessage> messages, int parallelism, CancellationToken ct)
    {
        var result = new Dictionary<long, CampaignSendOutcome>();
        foreach (var group in messages.GroupBy(m => (m.CampaignId, m.Kind, m.OccasionKey)))
        {
            var outcomes = await dispatcher.SendManyAsync(new MessageBatch(group.Key.Kind, group.Key.OccasionKey,
                group.Select(m => new BatchMessage(m.MemberId, m.Values)).ToList(), group.Key.CampaignId, parallelism), ct);
            foreach (var (memberId, outcome) in outcomes) result[memberId] = await ToCampaignOutcomeAsync(outcome, ct);
        }
        return result;
    }

    private async Task<CampaignSendOutcome> ToCampaignOutcomeAsync(DeliveryOutcome outcome, CancellationToken ct)
    {
        var status = outcome.Status switch
        {
            DeliveryOutcomeStatus.Sent => CampaignSendStatus.Sent,
            DeliveryOutcomeStatus.Undeliverable => CampaignSendStatus.Undeliverable,
            DeliveryOutcomeStatus.Failed => CampaignSendStatus.Failed,
            DeliveryOutcomeStatus.Skipped => await StoredStatusAsync(outcome.DeliveryId, ct),
            _ => CampaignSendStatus.RetryLater, // quota or rate limit: nothing was sent
        };
        var reason = outcome.Reason ?? (status == CampaignSendStatus.Failed && outcome.Status == DeliveryOutcomeStatus.Skipped ? "interrupted" : null);
        return new CampaignSendOutcome(status, outcome.Channel.ToString(), reason, outcome.WechatErrCode, outcome.DeliveryId);
    }

    private async Task<CampaignSendStatus> StoredStatusAsync(long deliveryId, CancellationToken ct)
    {
        var stored = await db.MessageDeliveries.AsNoTracking().Where(d => d.Id == deliveryId).Select(d => (DeliveryStatus?)d.Status).SingleOrDefaultAsync(ct);
        return stored switch
        {
            DeliveryStatus.Sent or DeliveryStatus.Delivered => CampaignSendStatus.Sent,
            DeliveryStatus.Undeliverable => CampaignSendStatus.Undeliverable,
            DeliveryStatus.Paused => CampaignSendStatus.RetryLater,
            _ => CampaignSendStatus.Failed, // Failed, or Pending: claimed by an attempt that never finished
        };
    }
}
