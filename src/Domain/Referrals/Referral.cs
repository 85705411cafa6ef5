namespace WechatLoyalty.Domain.Referrals;

public enum ReferralStatus
{
    /// <summary>Linked; the referrer's reward waits for the new member's first paid purchase.</summary>
    AwaitingPurchase,

    /// <summary>The first paid purchase qualified; the reward waits for the return window to close.</summary>
    RewardPending,

    /// <summary>The referrer was credited through the ledger.</summary>
    RewardPaid,

    /// <summary>The qualifying purchase was refunded inside the return window: no reward.</summary>
    RewardReversed,

    /// <summary>A fraud rule or the monthly cap refused the reward (see the refusal record).</summary>
    RewardRefused,
}

/// <summary>
/// One new member brought in by a referrer: once and forever (unique per referee). The referrer's reward moves
/// through <see cref="Status"/>; points move only through the ledger, under keys from <see cref="ReferralKeys"/>.
/// </summary>
public class Referral
{
    public long Id { get; set; }
    public long ReferrerMemberId { get; set; }
    public long RefereeMemberId { get; set; }

    /// <summary>The WeChat identity that joined: catches a deleted referrer who comes back through their own chain.</summary>
    public long RefereeIdentityId { get; set; }

    public required string Code { get; set; }

    /// <summary>The card open the join was attributed to (null when the join itself was the first sight of the code).</summary>
    public long? CardOpenId { get; set; }

    /// <summary>The group the card was opened in, copied for group reporting.</summary>
    public string? OpenGid { get; set; }

    /// <summary>The store the new member joined at (scene), for per-store conversion.</summary>
    public long? StoreId { get; set; }

    public DateTime JoinedAt { get; set; }
    public long WelcomePoints { get; set; }
    public ReferralStatus Status { get; set; }

    public long? PaymentId { get; set; }
    public DateTime? PurchasedAt { get; set; }

    /// <summary>The programme month (yyyy-MM, programme time zone) whose cap this reward counts against.</summary>
    public string? RewardMonth { get; set; }

    public long RewardPoints { get; set; }
    public DateTime? RewardPendingUntil { get; set; }
    public DateTime? RewardPaidAt { get; set; }
    public DateTime? RewardReversedAt { get; set; }

    /// <summary>Why the reward was refused or reversed (a <see cref="RefusalReasons"/> value).</summary>
    public string? RewardReason { get; set; }
}

public enum CardSource
{
    /// <summary>A card in a one-to-one chat (scene 1007).</summary>
    Chat,

    /// <summary>A card in a group chat (scene 1008, 1044, or a decrypted group id).</summary>
    Group,

    /// <summary>The poster's mini-program code scanned or long-pressed (scenes 1047, 1048, 1049).</summary>
    Poster,

    Other,
}

/// <summary>Someone opened a member's referral card (or scanned the poster).</summary>
public class ReferralCardOpen
{
    public long Id { get; set; }
    public long ReferrerMemberId { get; set; }
    public long OpenerIdentityId { get; set; }

    /// <summary>Set when the opener was already a member: such opens cannot convert, but they show reach.</summary>
    public long? OpenerMemberId { get; set; }

    /// <summary>The mini-program launch scene (1007, 1008, 1044, 1047...).</summary>
    public int? Scene { get; set; }

    public CardSource Source { get; set; }

    /// <summary>The group's opengid from the decrypted share info; never the group's name (WeChat does not give it).</summary>
    public string? OpenGid { get; set; }

    public DateTime OpenedAt { get; set; }
}

public enum ReferralStage
{
    Attribution,
    Reward,
}

/// <summary>Every refusal, with its reason: marketing and support can explain why a friend did not count.</summary>
public class ReferralRefusal
{
    public long Id { get; set; }
    public ReferralStage Stage { get; set; }
    public required string Reason { get; set; }
    public long? ReferrerMemberId { get; set; }
    public long? RefereeMemberId { get; set; }
    public long? ReferralId { get; set; }
    public string? Code { get; set; }
    public string? Detail { get; set; }
    public DateTime At { get; set; }
}

/// <summary>Refusal and reversal reasons, as stored and reported.</summary>
public static class RefusalReasons
{
    public const string UnknownCode = "unknown_code";
    public const string SelfReferralUnionId = "self_referral_unionid";
    public const string SelfReferralPhone = "self_referral_phone";
    public const string SelfReferralPayer = "self_referral_payer";
    public const string Late = "late";
    public const string Circular = "circular";
    public const string MonthlyCap = "monthly_cap";
    public const string ReferrerDeleted = "referrer_deleted";
    public const string PurchaseRefunded = "purchase_refunded";
}

/// <summary>Ledger keys of referral points: one event, one entry.</summary>
public static class ReferralKeys
{
    public static string Welcome(long refereeMemberId) => $"referral:welcome:{refereeMemberId}";
    public static string Reward(long referralId) => $"referral:reward:{referralId}";
}
