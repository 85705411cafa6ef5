namespace WechatLoyalty.Domain.Messaging;

/// <summary>
/// An official-account push accepted by the callback: written before "success" is answered, processed after, so
/// nothing WeChat handed us is lost if the process dies in between (a sweep job finishes what is left). Unique by
/// WeChat's dedup key (MsgId, or FromUserName + CreateTime + Event), the durable half of duplicate suppression.
/// </summary>
public class OaEvent
{
    public long Id { get; set; }
    public required string DedupKey { get; set; }
    public required string MsgType { get; set; }
    public string? Event { get; set; }
    public required string OpenId { get; set; }
    public string? EventKey { get; set; }

    /// <summary>The store of a <c>qrscene_store_…</c> follow or a store SCAN: the follow's attribution.</summary>
    public long? StoreId { get; set; }

    /// <summary>The plain fields of the push (JSON), decrypted in safe mode.</summary>
    public required string FieldsJson { get; set; }

    public DateTime CreateTime { get; set; }
    public DateTime ReceivedAt { get; set; }
    public DateTime? ClaimedAt { get; set; }
    public DateTime? ProcessedAt { get; set; }
    public int Attempts { get; set; }
    public string? Error { get; set; }
}
