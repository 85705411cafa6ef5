namespace WechatLoyalty.Domain.Campaigns;

/// <summary>
/// A campaign message as the stand-in sender (<see cref="Sending.RecordingCampaignSender"/>) records it until the
/// messages pipeline is merged: one row per (campaign, member), unique, so a resumed fan-out cannot send twice.
/// </summary>
public class CampaignDelivery
{
    public long Id { get; set; }
    public long CampaignId { get; set; }
    public long MemberId { get; set; }
    public required string Kind { get; set; }
    public required string TemplateId { get; set; }
    public required string Channel { get; set; }
    public required string Status { get; set; }
    public string? Reason { get; set; }
    public required string ValuesJson { get; set; }
    public DateTime CreatedAt { get; set; }
}
