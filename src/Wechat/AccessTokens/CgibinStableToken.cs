namespace WechatLoyalty.Wechat.AccessTokens;

/// <summary>POST /cgi-bin/stable_token body. Normal mode only: force mode kills every other holder's token.</summary>
public sealed class CgibinStableTokenRequest
{
    public string GrantType { get; set; } = "client_credential";

    public string Appid { get; set; } = string.Empty;

    public string Secret { get; set; } = string.Empty;

    public bool ForceRefresh { get; set; }
}

public sealed class CgibinStableTokenResponse : WechatApiResponse
{
    public string? AccessToken { get; set; }

    /// <summary>Seconds, at most 7200.</summary>
    public int ExpiresIn { get; set; }
}

/// <summary>A freshly issued token.</summary>
public sealed record IssuedAccessToken(string Token, TimeSpan ExpiresIn);
