using System.ComponentModel.DataAnnotations;
using Microsoft.Extensions.Options;

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

/// <summary>Section <c>Security</c>: keys that protect personal data at rest.</summary>
public sealed class SecurityOptions
{
    public const string Section = "Security";

    /// <summary>Base64 of 32 random bytes: AES-256-GCM key for phone numbers and session keys. A secret.</summary>
    [Required(ErrorMessage = "Security:DataKey is required (base64 of 32 random bytes).")]
    public string DataKey { get; set; } = "";

    /// <summary>Base64 of at least 32 random bytes: HMAC key for phone uniqueness hashes and member codes. A secret.</summary>
    [Required(ErrorMessage = "Security:HashKey is required (base64 of at least 32 random bytes).")]
    public string HashKey { get; set; } = "";
}

internal sealed class KeyOptionsValidator : IValidateOptions<AuthOptions>, IValidateOptions<SecurityOptions>
{
    public ValidateOptionsResult Validate(string? name, AuthOptions options) =>
        CheckKey(options.MemberTokenKey, "Auth:MemberTokenKey", exact: null);

    public ValidateOptionsResult Validate(string? name, SecurityOptions options)
    {
        var data = CheckKey(options.DataKey, "Security:DataKey", exact: 32);
        return data.Failed ? data : CheckKey(options.HashKey, "Security:HashKey", exact: null);
    }

    private static ValidateOptionsResult CheckKey(string value, string setting, int? exact)
    {
        if (string.IsNullOrEmpty(value)) return ValidateOptionsResult.Skip;
        var bytes = new byte[value.Length];
        if (!Convert.TryFromBase64String(value, bytes, out var length))
            return ValidateOptionsResult.Fail($"{setting} must be base64.");
        if (exact is { } n && length != n) return ValidateOptionsResult.Fail($"{setting} must decode to exactly {n} bytes.");
        return length < 32 ? ValidateOptionsResult.Fail($"{setting} must decode to at least 32 bytes.") : ValidateOptionsResult.Success;
    }
}
