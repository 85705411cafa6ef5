namespace WechatLoyalty.Domain.Admin;

public enum AdminRole
{
    Admin,
    Marketing,
    StoreManager,
    Clerk,
}

/// <summary>A console account. The password hash is produced by ASP.NET Core Identity's hasher in the host.</summary>
public class AdminUser
{
    public long Id { get; set; }
    public required string UserName { get; set; }
    public required string DisplayName { get; set; }
    public required string PasswordHash { get; set; }
    public AdminRole Role { get; set; }

    /// <summary>For store managers and clerks: the store they belong to.</summary>
    public long? StoreId { get; set; }

    public int FailedSignIns { get; set; }
    public DateTime? LockedUntil { get; set; }
    public DateTime CreatedAt { get; set; }
}
