using System.Text;
using Microsoft.Extensions.Options;
using WechatLoyalty.Wechat.Pay;

namespace WechatLoyalty.Wechat;

/// <summary>Start-up checks: each failure names the setting to fix.</summary>
internal sealed class WechatOptionsValidation :
    IValidateOptions<WechatEndpointsOptions>,
    IValidateOptions<MiniProgramOptions>,
    IValidateOptions<OfficialAccountOptions>,
    IValidateOptions<AccessTokenOptions>,
    IValidateOptions<WechatPayOptions>
{
    public ValidateOptionsResult Validate(string? name, WechatEndpointsOptions options)
    {
        var errors = new List<string>();
        RequireHttpUri(errors, options.Api, "Wechat:Endpoints:Api");
        RequireHttpUri(errors, options.Pay, "Wechat:Endpoints:Pay");
        RequireHttpUri(errors, options.Mp, "Wechat:Endpoints:Mp");
        return Result(errors);
    }

    public ValidateOptionsResult Validate(string? name, MiniProgramOptions options)
    {
        var errors = new List<string>();
        Require(errors, options.AppId, "Wechat:MiniProgram:AppId");
        Require(errors, options.AppSecret, "Wechat:MiniProgram:AppSecret");
        return Result(errors);
    }

    public ValidateOptionsResult Validate(string? name, OfficialAccountOptions options)
    {
        var errors = new List<string>();
        Require(errors, options.AppId, "Wechat:OfficialAccount:AppId");
        Require(errors, options.AppSecret, "Wechat:OfficialAccount:AppSecret");
        Require(errors, options.Token, "Wechat:OfficialAccount:Token");
        if (options.EncodingAesKey.Length != 43 || !options.EncodingAesKey.All(char.IsAsciiLetterOrDigit))
        {
            errors.Add("Wechat:OfficialAccount:EncodingAesKey must be 43 characters of [A-Za-z0-9].");
        }

        return Result(errors);
    }

    public ValidateOptionsResult Validate(string? name, AccessTokenOptions options)
    {
        var errors = new List<string>();
        if (options.RefreshMargin < TimeSpan.Zero)
        {
            errors.Add("Wechat:AccessTokens:RefreshMargin must not be negative.");
        }

        if (options.LockWait <= TimeSpan.Zero || options.LockExpiry <= TimeSpan.Zero)
        {
            errors.Add("Wechat:AccessTokens:LockWait and Wechat:AccessTokens:LockExpiry must be positive.");
        }

        return Result(errors);
    }

    public ValidateOptionsResult Validate(string? name, WechatPayOptions options)
    {
        var errors = new List<string>();
        Require(errors, options.MchId, "Wechat:Pay:MchId");
        Require(errors, options.AppId, "Wechat:Pay:AppId");
        Require(errors, options.UserAgent, "Wechat:Pay:UserAgent");
        if (Encoding.UTF8.GetByteCount(options.ApiV3Key) != 32)
        {
            // The #1 cause of "tag mismatch" is the APIv2 key pasted here; it is 32 characters too, but we can at least catch the rest.
            errors.Add($"Wechat:Pay:ApiV3Key must be exactly 32 bytes (got {Encoding.UTF8.GetByteCount(options.ApiV3Key)}).");
        }

        if (!Uri.TryCreate(options.NotifyUrl, UriKind.Absolute, out var notify) || notify.Scheme is not ("https" or "http") || notify.Query.Length > 0)
        {
            errors.Add("Wechat:Pay:NotifyUrl must be an absolute http(s) URL without a query string.");
        }

        if (!options.HasPublicKey && !options.UsePlatformCertificates)
        {
            errors.Add("Wechat:Pay:PlatformPublicKeyPath (or PlatformPublicKeyPem) with PlatformPublicKeyId, or Wechat:Pay:UsePlatformCertificates=true, is required to verify WeChat Pay.");
        }

        if (options.HasPublicKey && options.PlatformPublicKeyId?.StartsWith(WechatPayPlatformKeys.PublicKeyIdPrefix, StringComparison.Ordinal) != true)
        {
            errors.Add($"Wechat:Pay:PlatformPublicKeyId must start with {WechatPayPlatformKeys.PublicKeyIdPrefix}.");
        }

        if (options.MaxClockSkew <= TimeSpan.Zero || options.CertificateRefreshInterval <= TimeSpan.Zero)
        {
            errors.Add("Wechat:Pay:MaxClockSkew and Wechat:Pay:CertificateRefreshInterval must be positive.");
        }

        TryLoad(errors, () => WechatPayKeyLoader.LoadMerchant(options).Dispose());
        TryLoad(errors, () => WechatPayKeyLoader.LoadPlatformPublicKey(options)?.Dispose());
        return Result(errors);
    }

    private static void TryLoad(List<string> errors, Action load)
    {
        try
        {
            load();
        }
        catch (WechatPayConfigurationException ex)
        {
            errors.Add(ex.Message);
        }
    }

    private static void Require(List<string> errors, string? value, string setting)
    {
        if (string.IsNullOrWhiteSpace(value))
        {
            errors.Add($"{setting} is required.");
        }
    }

    private static void RequireHttpUri(List<string> errors, Uri? value, string setting)
    {
        if (value is not { IsAbsoluteUri: true } || value.Scheme is not ("https" or "http"))
        {
            errors.Add($"{setting} must be an absolute http(s) URL.");
        }
    }

    private static ValidateOptionsResult Result(List<string> errors) =>
        errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
}

/// <summary>Fills the individual Pay key settings from <see cref="WechatPayOptions.KeysDirectory"/> where unset.</summary>
internal sealed class WechatPayKeysDirectoryPostConfigure : IPostConfigureOptions<WechatPayOptions>
{
    public void PostConfigure(string? name, WechatPayOptions options)
    {
        if (string.IsNullOrWhiteSpace(options.KeysDirectory))
        {
            return;
        }

        var dir = options.KeysDirectory;
        options.MerchantPrivateKeyPath ??= Path.Combine(dir, "merchant", "apiclient_key.pem");
        options.MerchantCertificatePath ??= Path.Combine(dir, "merchant", "apiclient_cert.pem");
        var publicKeyPath = Path.Combine(dir, "platform", "pub_key.pem");
        if (string.IsNullOrEmpty(options.PlatformPublicKeyPem) && File.Exists(publicKeyPath))
        {
            // Optional in the directory: a certificate-mode merchant has no public key.
            options.PlatformPublicKeyPath ??= publicKeyPath;
        }

        if (string.IsNullOrEmpty(options.PlatformPublicKeyId) && ReadTrimmed(Path.Combine(dir, "platform", "pub_key_id.txt")) is { } id)
        {
            options.PlatformPublicKeyId = id;
        }

        if (string.IsNullOrEmpty(options.ApiV3Key) && ReadTrimmed(Path.Combine(dir, "apiv3_key.txt")) is { } key)
        {
            options.ApiV3Key = key;
        }
    }

    // A missing file is left for validation to report, naming the setting.
    private static string? ReadTrimmed(string path) => File.Exists(path) ? File.ReadAllText(path).Trim() : null;
}
