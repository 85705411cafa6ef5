namespace WechatLoyalty.Domain.Messaging;

/// <summary>What the member chose in <c>wx.requestSubscribeMessage</c> for a template.</summary>
public enum SubscriptionDecision
{
    Accept,
    Reject,
    Ban,
    Filter,
}

/// <summary>
/// A member's one-time consents for one mini-program subscription template. WeChat has no API to read them, so we
/// count: every accept adds one credit, every subscription send spends one, never below zero. Reject and ban are
/// recorded (ban: the member turned the template off; no send is tried until a later accept).
/// </summary>
public class SubscriptionCredit
{
    public long Id { get; set; }
    public long MemberId { get; set; }
    public required string TemplateId { get; set; }
    public int Credits { get; set; }
    public int Accepted { get; set; }
    public int Rejected { get; set; }
    public bool Banned { get; set; }
    public SubscriptionDecision LastDecision { get; set; }
    public DateTime LastDecisionAt { get; set; }
    public DateTime UpdatedAt { get; set; }
}
