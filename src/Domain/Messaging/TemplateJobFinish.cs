using Microsoft.EntityFrameworkCore;
using WechatLoyalty.Domain.Data;

namespace WechatLoyalty.Domain.Messaging;

/// <summary>
/// TEMPLATESENDJOBFINISH settles an OA delivery (success → Delivered, anything else → Failed with WeChat's status).
/// Two cheap ways in besides <see cref="DeliveryReports.TemplateJobFinishedAsync"/>, both one statement that settles the
/// delivery and marks the stored event processed together: the callback's (the event, by its msgid), and the batch
/// sender's right after it recorded its msgids (a push that arrived before the record waits, unprocessed, for that).
/// Either order ends settled; what neither catches (a crash between) the sweep job does. A "user block" status also
/// changes the member's channel state, so it always takes the full path.
/// </summary>
public static class TemplateJobFinish
{
    public static bool IsSuccess(string status) => string.Equals(status.Trim(), "success", StringComparison.OrdinalIgnoreCase);

    public static string FailureReason(string status) => $"TEMPLATESENDJOBFINISH: {(status.Length > 200 ? status[..200] : status)}";

    /// <summary>Only the full path records a block on the member's channel.</summary>
    public static bool NeedsFullPath(string status) => status.Contains("block", StringComparison.OrdinalIgnoreCase);

    /// <summary>The stored event <paramref name="eventId"/> reports <paramref name="msgid"/>: true when it settled a sent delivery.</summary>
    public static async Task<bool> SettleAsync(LoyaltyDbContext db, long eventId, long msgid, string status, DateTime now, CancellationToken ct)
    {
        if (NeedsFullPath(status)) return false;
        var success = IsSuccess(status);
        var settled = await db.Database.ExecuteSqlInterpolatedAsync($"""
            UPDATE message_deliveries d JOIN oa_events e ON e.id = {eventId}
            SET d.status = {(success ? nameof(DeliveryStatus.Delivered) : nameof(DeliveryStatus.Failed))},
                d.reason = {(success ? null : FailureReason(status))}, d.finished_at = {now}, d.updated_at = {now},
                e.processed_at = {now}, e.claimed_at = {now}, e.attempts = e.attempts + 1
            WHERE d.msgid = {msgid} AND d.channel = 'OfficialAccount' AND d.status = 'Sent' AND e.processed_at IS NULL AND e.claimed_at IS NULL
            """, ct);
        return settled > 0;
    }

    /// <summary>Settles those of <paramref name="deliveryIds"/> (just recorded as sent) whose finish event is already stored.</summary>
    public static Task<int> SettleWaitingAsync(LoyaltyDbContext db, IReadOnlyCollection<long> deliveryIds, DateTime now, CancellationToken ct)
    {
        var rows = new MultiRow();
        var at = rows.Param(now);
        // The event's dedup key is "msg:<MsgID>" (OaMessage.DedupKey): the unique index finds it for each delivery.
        return rows.ExecuteAsync(db, $"""
            UPDATE message_deliveries d
            JOIN oa_events e ON e.dedup_key = CONCAT('msg:', d.msgid)
            SET d.status = IF(LOWER(TRIM(JSON_VALUE(e.fields_json, '$.Status'))) = 'success', 'Delivered', 'Failed'),
                d.reason = IF(LOWER(TRIM(JSON_VALUE(e.fields_json, '$.Status'))) = 'success', NULL,
                              CONCAT('TEMPLATESENDJOBFINISH: ', LEFT(JSON_VALUE(e.fields_json, '$.Status'), 200))),
                d.finished_at = {at}, d.updated_at = {at}, e.processed_at = {at}, e.claimed_at = {at}, e.attempts = e.attempts + 1
            WHERE d.id IN ({MultiRow.Ids(deliveryIds)}) AND d.status = 'Sent' AND d.channel = 'OfficialAccount'
              AND e.event = 'TEMPLATESENDJOBFINISH' AND e.processed_at IS NULL AND e.claimed_at IS NULL
              AND LOWER(JSON_VALUE(e.fields_json, '$.Status')) NOT LIKE '%block%'
            """, ct);
    }
}
