namespace WechatLoyalty.Domain.Members;

public enum ConsentKind
{
    Terms,
    Privacy,
}

/// <summary>What the member accepted, which version, and when: kept even after the member deletes the account.</summary>
public class MemberConsent
{
    public long Id { get; set; }
    public long MemberId { get; set; }
    public ConsentKind Kind { get; set; }
    public required string Version { get; set; }
    public DateTime AcceptedAt { get; set; }
}

/// <summary>A refresh token of a member's login (stored as a hash), rotated on every use.</summary>
public class MemberSession
{
    public long Id { get; set; }
    public long IdentityId { get; set; }
    public required byte[] TokenHash { get; set; }
    public DateTime CreatedAt { get; set; }
    public DateTime ExpiresAt { get; set; }
    public DateTime? RevokedAt { get; set; }
}
