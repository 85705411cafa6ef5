namespace WechatLoyalty.Wechat.AccessTokens;

/// <summary>The one place Redis key names for tokens are made: <c>loyalty:[prefix:]wechat:access_token:{appid}</c>.</summary>
public static class AccessTokenKeys
{
    public static string Token(string keyPrefix, string appId) => $"loyalty:{Normalize(keyPrefix)}wechat:access_token:{appId}";

    public static string Lock(string keyPrefix, string appId) => Token(keyPrefix, appId) + ":lock";

    private static string Normalize(string prefix) =>
        string.IsNullOrEmpty(prefix) ? string.Empty : prefix.EndsWith(':') ? prefix : prefix + ":";
}
