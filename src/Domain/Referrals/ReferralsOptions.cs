using System.ComponentModel.DataAnnotations;

namespace WechatLoyalty.Domain.Referrals;

/// <summary>
/// Section <c>Referrals</c>. The point amounts and the monthly cap are programme rules (ProgrammeRules:
/// ReferralWelcomePoints, ReferrerRewardPoints, ReferrerMonthlyRewardCap); the return window is the programme's
/// PendingDays. These are the remaining knobs.
/// </summary>
public sealed class ReferralsOptions
{
    public const string Section = "Referrals";

    /// <summary>A card opened more than this many days before joining is not attributed (loyalty-rules §6).</summary>
    [Range(1, 90, ErrorMessage = "Referrals:AttributionWindowDays must be 1..90.")]
    public int AttributionWindowDays { get; set; } = 7;

    /// <summary>The smallest payer amount (fen) that counts as a paid purchase; refunds below it reverse the reward.</summary>
    [Range(1, 10_000_000, ErrorMessage = "Referrals:QualifyingPurchaseFen must be 1..10000000.")]
    public long QualifyingPurchaseFen { get; set; } = 1;

    /// <summary>Share card title; {name} is the sharer's nickname (or 好友).</summary>
    [Required(AllowEmptyStrings = false, ErrorMessage = "Referrals:CardTitle is required.")]
    [MaxLength(64)]
    public string CardTitle { get; set; } = "{name}邀请你加入会员，入会即送积分";

    /// <summary>The card's 5:4 image (an https URL on our CDN); empty lets WeChat use a screenshot of the page.</summary>
    [Url(ErrorMessage = "Referrals:CardImageUrl must be an absolute URL.")]
    public string? CardImageUrl { get; set; }

    /// <summary>
    /// A TrueType/OpenType font with Chinese glyphs for the poster's text (e.g. Debian's fonts-noto-cjk or
    /// fonts-droid-fallback). Unset: the first of the usual system paths that exists; none: the poster has no text.
    /// </summary>
    public string? PosterFontFile { get; set; }

    /// <summary>Rewards released per batch (one transaction each).</summary>
    [Range(1, 5000, ErrorMessage = "Referrals:ReleaseBatchSize must be 1..5000.")]
    public int ReleaseBatchSize { get; set; } = 200;
}
