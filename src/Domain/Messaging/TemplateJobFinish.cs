using Microsoft.EntityFrameworkCore;
using WechatLoyalty.Domain.Data;

namespace WechatLoyalty.Domain.Messaging;

/// <summary>
/// TEMPLATESENDJOBFINISH settles an OA delivery (success → Delivered, anything else → Failed with WeChat's status).
/// Two cheap ways in besides <see cref="DeliveryReports.TemplateJobFinishedAsync"/>, each settling the delivery and
/// marking the stored event processed in one statement: the OA inbox's as it stores the push (one round trip for both),
/// and the batch sender's right after it recorded its msgids (a push that arrived before the record waits, unprocessed,
/// for that).
/// Either order ends settled; what neither catches (a crash between) the sweep job does. A "user block" status also
/// changes the member's channel state, so it always takes the full path.
/// </summary>
public static class TemplateJobFinish
{
    // Both statements lock the delivery first, then the event (STRAIGHT_JOIN): locked in opposite orders, a push and a
    // batch's settle deadlocked each other under load.

    public static bool IsSuccess(string status) => string.Equals(status.Trim(), "success", StringComparison.OrdinalIgnoreCase);

    public static string FailureReason(string status) => $"TEMPLATESENDJOBFINISH: {(status.Length > 200 ? status[..200] : status)}";

    /// <summary>Only the full path records a block on the member's channel.</summary>
    public static bool NeedsFullPath(string status) => status.Contains("block", StringComparison.OrdinalIgnoreCase);

    /// <summary>
    /// Stores the push <paramref name="ev"/> (a duplicate of a stored one changes nothing) and settles the sent delivery
    /// with <paramref name="msgid"/>, marking the event processed with it: two statements in one round trip. When the
    /// delivery's msgid is not recorded yet, the event stays unprocessed for the sender's <see cref="SettleWaitingAsync"/>.
    /// </summary>
    public static Task StoreAndSettleAsync(LoyaltyDbContext db, OaEvent ev, long msgid, string status, DateTime now, CancellationToken ct)
    {
        var success = IsSuccess(status);
        var rows = new MultiRow();
        var at = rows.Param(now);
        var values = rows.Values([[ev.DedupKey, ev.MsgType, ev.Event, ev.OpenId, ev.EventKey, ev.StoreId, ev.FieldsJson, ev.CreateTime, ev.ReceivedAt, 0]]);
        var sql = $"""
            INSERT INTO oa_events (dedup_key, msg_type, event, open_id, event_key, store_id, fields_json, create_time, received_at, attempts)
            VALUES {values}
            ON DUPLICATE KEY UPDATE id = id;
            UPDATE message_deliveries d STRAIGHT_JOIN oa_events e ON e.dedup_key = CONCAT('msg:', d.msgid)
            SET d.status = {rows.Param(success ? nameof(DeliveryStatus.Delivered) : nameof(DeliveryStatus.Failed))},
                d.reason = {rows.Param(success ? null : FailureReason(status))}, d.finished_at = {at}, d.updated_at = {at},
                e.processed_at = {at}, e.claimed_at = {at}, e.attempts = e.attempts + 1
            WHERE d.msgid = {rows.Param(msgid)} AND d.channel = 'OfficialAccount' AND d.status = 'Sent'
              AND e.processed_at IS NULL AND e.claimed_at IS NULL;
            """;
        return rows.ExecuteAsync(db, sql, ct);
    }

    /// <summary>Settles those of <paramref name="deliveryIds"/> (just recorded as sent) whose finish event is already stored.</summary>
    public static Task<int> SettleWaitingAsync(LoyaltyDbContext db, IReadOnlyCollection<long> deliveryIds, DateTime now, CancellationToken ct)
    {
        var rows = new MultiRow();
        var at = rows.Param(now);
        // The event's dedup key is "msg:<MsgID>" (OaMessage.DedupKey): the unique index finds it for each delivery.
        return rows.ExecuteAsync(db, $"""
            UPDATE message_deliveries d
            STRAIGHT_JOIN oa_events e ON e.dedup_key = CONCAT('msg:', d.msgid)
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
