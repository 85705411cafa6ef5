using System.ComponentModel.DataAnnotations;
using Microsoft.Extensions.Options;
using WechatLoyalty.Jobs.Hosting;

namespace WechatLoyalty.Api.Infrastructure.Auth;

/// <summary>Section <c>Auth</c>: member tokens (mini-program) and console sign-in.</summary>
public sealed class AuthOptions
{
    public const string Section = "Auth";

    /// <summary>Base64 of at least 32 random bytes; signs member access tokens (HMAC-SHA256). A secret: environment only.</summary>
    [Required(ErrorMessage = "Auth:MemberTokenKey is required (base64 of at least 32 random bytes).")]
    public string MemberTokenKey { get; set; } = "";

    [Range(1, 120, ErrorMessage = "Auth:MemberTokenMinutes must be 1..120.")]
    public int MemberTokenMinutes { get; set; } = 15;

    [Range(1, 180, ErrorMessage = "Auth:RefreshTokenDays must be 1..180.")]
    public int RefreshTokenDays { get; set; } = 30;

    [Range(1, 20, ErrorMessage = "Auth:MaxFailedSignIns must be 1..20.")]
    public int MaxFailedSignIns { get; set; } = 5;

    [Range(1, 1440, ErrorMessage = "Auth:LockoutMinutes must be 1..1440.")]
    public int LockoutMinutes { get; set; } = 15;

    public byte[] MemberTokenKeyBytes => Convert.FromBase64String(MemberTokenKey);
}

internal sealed class AuthOptionsValidator : IValidateOptions<AuthOptions>
{
    public ValidateOptionsResult Validate(string? name, AuthOptions options) =>
        KeySetting.Check(options.MemberTokenKey, "Auth:MemberTokenKey", exact: null);
}
