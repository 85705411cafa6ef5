namespace WechatLoyalty.Domain.Referrals;

/// <summary>The one person on both sides of a referral, as far as we can tell: UnionID and phone uniqueness hash.</summary>
public sealed record PersonKeys(string? UnionId, byte[]? PhoneHash);

/// <summary>A member met while walking up a referrer chain.</summary>
public sealed record ChainLink(long MemberId, long? ReferrerId, string? UnionId, byte[]? PhoneHash, long? JoinedWithIdentityId);

/// <summary>
/// The referral rules of loyalty-rules §6, pure so they are tested without a database: attribution window, self
/// referral, circular chains, the monthly cap and where a card was opened.
/// </summary>
public static class ReferralRules
{
    /// <summary>Longest chain we walk looking for a loop; deeper chains are not plausible referral trees.</summary>
    public const int MaxChainDepth = 64;

    /// <summary>
    /// A card opened more than <paramref name="windowDays"/> before joining is not attributed. No recorded open
    /// means the join itself is the first sight of the code (a poster scanned straight into registration).
    /// </summary>
    public static bool IsLate(DateTime? openedAt, DateTime joinedAt, int windowDays) =>
        openedAt is { } opened && joinedAt - opened > TimeSpan.FromDays(windowDays);

    /// <summary>Same UnionID or same phone: the reason, or null when the two are different people as far as we know.</summary>
    public static string? SelfReferral(PersonKeys referrer, PersonKeys referee)
    {
        if (referrer.UnionId is not null && referrer.UnionId == referee.UnionId) return RefusalReasons.SelfReferralUnionId;
        if (referrer.PhoneHash is { Length: > 0 } a && referee.PhoneHash is { Length: > 0 } b && a.AsSpan().SequenceEqual(b))
            return RefusalReasons.SelfReferralPhone;
        return null;
    }

    /// <summary>
    /// Whether linking the newcomer under the chain that starts at the referrer would close a loop: a member of the
    /// chain is the newcomer (same member, same UnionID or phone, or the newcomer's WeChat identity once joined as
    /// that member before deleting the account), or the chain already loops. <paramref name="chain"/> is the
    /// referrer first, then its referrer, and so on.
    /// </summary>
    public static bool IsCircular(IReadOnlyList<ChainLink> chain, long? newcomerMemberId, PersonKeys newcomer, long newcomerIdentityId)
    {
        var seen = new HashSet<long>();
        foreach (var link in chain)
        {
            if (!seen.Add(link.MemberId)) return true;
            if (link.MemberId == newcomerMemberId) return true;
            if (link.JoinedWithIdentityId == newcomerIdentityId) return true;
            if (SelfReferral(new PersonKeys(link.UnionId, link.PhoneHash), newcomer) is not null) return true;
        }
        return false;
    }

    /// <summary>The programme month a reward counts against: yyyy-MM of the purchase in the programme time zone.</summary>
    public static string RewardMonth(DateTime purchasedAtUtc, TimeZoneInfo zone) =>
        TimeZoneInfo.ConvertTimeFromUtc(DateTime.SpecifyKind(purchasedAtUtc, DateTimeKind.Utc), zone).ToString("yyyy-MM", System.Globalization.CultureInfo.InvariantCulture);

    /// <summary>At most <paramref name="cap"/> rewarded referrals per referrer per month; a cap of 0 means none.</summary>
    public static bool OverCap(int rewardedThisMonth, int cap) => rewardedThisMonth >= cap;

    /// <summary>The referrer's reward stays pending until the purchase's return window closes.</summary>
    public static DateTime RewardPendingUntil(DateTime purchasedAtUtc, int returnWindowDays) => purchasedAtUtc.AddDays(returnWindowDays);

    /// <summary>
    /// The reward is reversed when refunds inside the window leave less than the qualifying amount of the purchase
    /// (by default: the purchase was refunded in full).
    /// </summary>
    public static bool ReverseOnRefund(long payerTotalFen, long refundedFen, long qualifyingFen, DateTime now, DateTime pendingUntil) =>
        now < pendingUntil && payerTotalFen - refundedFen < qualifyingFen;

    /// <summary>Where a card was opened, from the launch scene and whether a group id came with it.</summary>
    public static CardSource SourceOf(int? scene, bool hasGroup) => hasGroup ? CardSource.Group : scene switch
    {
        1008 or 1044 => CardSource.Group,
        1007 => CardSource.Chat,
        1047 or 1048 or 1049 => CardSource.Poster,
        _ => CardSource.Other,
    };

    /// <summary>A friend's name as the referrer sees it: first character, then asterisks ("小**"); unnamed friends "微信用户".</summary>
    public static string MaskName(string? nickname)
    {
        if (string.IsNullOrWhiteSpace(nickname)) return "微信用户";
        var trimmed = nickname.Trim();
        var first = char.IsSurrogate(trimmed[0]) && trimmed.Length > 1 ? trimmed[..2] : trimmed[..1];
        return first + "**";
    }
}
