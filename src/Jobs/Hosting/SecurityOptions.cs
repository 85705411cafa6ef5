using System.ComponentModel.DataAnnotations;
using Microsoft.Extensions.Options;

namespace WechatLoyalty.Jobs.Hosting;

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

internal sealed class SecurityOptionsValidator : IValidateOptions<SecurityOptions>
{
    public ValidateOptionsResult Validate(string? name, SecurityOptions options)
    {
        var data = KeySetting.Check(options.DataKey, "Security:DataKey", exact: 32);
        return data.Failed ? data : KeySetting.Check(options.HashKey, "Security:HashKey", exact: null);
    }
}

/// <summary>Keys are base64 of random bytes: at least 32 of them, or exactly as many as the algorithm takes.</summary>
public static class KeySetting
{
    public static ValidateOptionsResult Check(string value, string setting, int? exact)
    {
        if (string.IsNullOrEmpty(value)) return ValidateOptionsResult.Skip;
        var bytes = new byte[value.Length];
        if (!Convert.TryFromBase64String(value, bytes, out var length))
            return ValidateOptionsResult.Fail($"{setting} must be base64.");
        if (exact is { } n && length != n) return ValidateOptionsResult.Fail($"{setting} must decode to exactly {n} bytes.");
        return length < 32 ? ValidateOptionsResult.Fail($"{setting} must decode to at least 32 bytes.") : ValidateOptionsResult.Success;
    }
}
