namespace WechatLoyalty.Wechat;

/// <summary><c>Wechat:Endpoints</c>: base URLs, so tests and the simulator can stand in for WeChat.</summary>
public sealed class WechatEndpointsOptions
{
    public const string Section = "Wechat:Endpoints";

    /// <summary>api.weixin.qq.com (mini-program and official account APIs).</summary>
    public Uri Api { get; set; } = new("https://api.weixin.qq.com");

    /// <summary>api.mch.weixin.qq.com (WeChat Pay APIv3).</summary>
    public Uri Pay { get; set; } = new("https://api.mch.weixin.qq.com");

    /// <summary>mp.weixin.qq.com, which serves official-account QR images (showqrcode).</summary>
    public Uri Mp { get; set; } = new("https://mp.weixin.qq.com");
}

/// <summary><c>Wechat:MiniProgram</c>.</summary>
public sealed class MiniProgramOptions
{
    public const string Section = "Wechat:MiniProgram";

    public string AppId { get; set; } = string.Empty;

    public string AppSecret { get; set; } = string.Empty;

    internal WechatAppCredentials Credentials => new(AppId, AppSecret);
}

/// <summary><c>Wechat:OfficialAccount</c>.</summary>
public sealed class OfficialAccountOptions
{
    public const string Section = "Wechat:OfficialAccount";

    public string AppId { get; set; } = string.Empty;

    public string AppSecret { get; set; } = string.Empty;

    /// <summary>The server-configuration Token used for URL and message signatures.</summary>
    public string Token { get; set; } = string.Empty;

    /// <summary>43 characters [A-Za-z0-9]; Base64(EncodingAesKey + "=") is the AES-256 key of safe mode.</summary>
    public string EncodingAesKey { get; set; } = string.Empty;

    internal WechatAppCredentials Credentials => new(AppId, AppSecret);
}

/// <summary><c>Wechat:AccessTokens</c>: the shared Redis token cache.</summary>
public sealed class AccessTokenOptions
{
    public const string Section = "Wechat:AccessTokens";

    /// <summary>Inserted after <c>loyalty:</c> in every key, so environments and tests never share tokens by accident.</summary>
    public string KeyPrefix { get; set; } = string.Empty;

    /// <summary>How long before WeChat's expiry we stop serving a token (WeChat renews stable tokens 5 min early).</summary>
    public TimeSpan RefreshMargin { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>How long a caller waits for another instance that holds the refresh lock.</summary>
    public TimeSpan LockWait { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>Lock lifetime; longer than one token call so a crashed holder frees it soon anyway.</summary>
    public TimeSpan LockExpiry { get; set; } = TimeSpan.FromSeconds(30);
}

/// <summary>An app's identity for token calls. The secret is never logged.</summary>
public sealed record WechatAppCredentials(string AppId, string AppSecret)
{
    public override string ToString() => $"WechatAppCredentials {{ AppId = {AppId} }}";
}
