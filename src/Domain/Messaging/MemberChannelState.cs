namespace WechatLoyalty.Domain.Messaging;

/// <summary>
/// What WeChat told us about reaching a member, beyond follows and consents: 43004 (not a follower although we
/// thought so), a template job that ended in "user block", and 43101 (refused / no credit although we counted one).
/// One row per member, written by the dispatcher and the OA callback; the channel choice reads it.
/// </summary>
public class MemberChannelState
{
    public long MemberId { get; set; }

    /// <summary>The member blocked the OA's template messages ("failed:user block"): OA sends stop until they follow again.</summary>
    public DateTime? OaBlockedAt { get; set; }

    public DateTime? OaNotFollowerAt { get; set; }
    public DateTime? MpRefusedAt { get; set; }
    public int? LastErrcode { get; set; }
    public DateTime UpdatedAt { get; set; }
}
