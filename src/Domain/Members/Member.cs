namespace WechatLoyalty.Domain.Members;

public enum JoinSource
{
    Organic,
    StoreQr,
    OfficialAccountQr,
    Referral,

    /// <summary>Brought over from an earlier membership system by the console's bulk import.</summary>
    Imported,
}

public enum Gender
{
    Unknown,
    Male,
    Female,
}

/// <summary>
/// One person in the programme. WeChat identities (mini-program, official account, pay openids) hang off it,
/// linked by UnionID. The points balance is a cached sum of the ledger and only changes with a ledger entry.
/// </summary>
public class Member
{
    public long Id { get; set; }

    /// <summary>The member number shown on the card and used by clerks.</summary>
    public required string MemberNo { get; set; }

    /// <summary>Short unguessable code carried by share cards and posters.</summary>
    public required string ReferralCode { get; set; }

    public string? UnionId { get; set; }
    public string? Nickname { get; set; }
    public Gender Gender { get; set; }
    public int? BirthYear { get; set; }
    public int? BirthMonth { get; set; }
    public int? BirthDay { get; set; }
    public DateTime? BirthdayChangedAt { get; set; }

    /// <summary>AES-GCM ciphertext of the phone number; never shown.</summary>
    public byte[]? PhoneCipher { get; set; }

    /// <summary>Keyed hash (HMAC) of the normalised phone number: uniqueness without the plaintext.</summary>
    public byte[]? PhoneHash { get; set; }

    /// <summary>138****5678: the only form staff, logs and responses ever see.</summary>
    public string? PhoneMasked { get; set; }

    public required string TierCode { get; set; }
    public DateTime TierReachedAt { get; set; }

    /// <summary>Available points: the sum of the ledger's available movements (may be negative after a refund).</summary>
    public long PointsBalance { get; set; }

    public long PendingPoints { get; set; }

    public JoinSource JoinSource { get; set; }
    public long? StoreId { get; set; }
    public long? StaffId { get; set; }
    public long? ReferrerId { get; set; }

    public required string TermsVersion { get; set; }
    public DateTime TermsAcceptedAt { get; set; }
    public DateTime JoinedAt { get; set; }

    /// <summary>Set when the member deleted the account: personal data is erased, ledger totals stay.</summary>
    public DateTime? DeletedAt { get; set; }

    public List<MemberIdentity> Identities { get; } = [];
}

/// <summary>A WeChat identity: an openid of one app (mini-program, official account). Exists before registration.</summary>
public class MemberIdentity
{
    public long Id { get; set; }
    public long? MemberId { get; set; }
    public Member? Member { get; set; }
    public required string AppId { get; set; }
    public required string OpenId { get; set; }
    public string? UnionId { get; set; }

    /// <summary>Whether this official-account identity currently follows the account.</summary>
    public bool? Follows { get; set; }

    public DateTime? FollowChangedAt { get; set; }

    /// <summary>The mini-program session_key, encrypted: kept server-side only, for open-data decryption.</summary>
    public byte[]? SessionKeyCipher { get; set; }

    public DateTime CreatedAt { get; set; }
    public DateTime? LastSeenAt { get; set; }
}
