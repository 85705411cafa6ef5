using System.Text.RegularExpressions;

namespace WechatLoyalty.Wechat;

/// <summary>
/// api.weixin.qq.com answered with a non-zero errcode. Carries the rid WeChat support asks for.
/// </summary>
public sealed partial class WechatApiException : Exception
{
    public WechatApiException(string api, int errCode, string? errMsg)
        : base($"WeChat {api} failed: errcode {errCode}, errmsg '{errMsg}'")
    {
        Api = api;
        ErrCode = errCode;
        ErrMsg = errMsg ?? string.Empty;
        Rid = ParseRid(errMsg);
    }

    public WechatApiException()
        : this("unknown", 0, null)
    {
    }

    public WechatApiException(string message)
        : base(message)
    {
        Api = "unknown";
        ErrMsg = message;
    }

    public WechatApiException(string message, Exception innerException)
        : base(message, innerException)
    {
        Api = "unknown";
        ErrMsg = message;
    }

    /// <summary>The API path, e.g. <c>cgi-bin/message/template/send</c>.</summary>
    public string Api { get; }

    public int ErrCode { get; }

    public string ErrMsg { get; }

    /// <summary>The request id WeChat appends to errmsg (<c>rid: ...</c>), if any.</summary>
    public string? Rid { get; }

    public WechatErrorKind Kind => ErrCode switch
    {
        WechatErrorCodes.SystemBusy => WechatErrorKind.SystemBusy,
        WechatErrorCodes.InvalidCredential or WechatErrorCodes.InvalidAccessToken or WechatErrorCodes.AccessTokenExpired
            => WechatErrorKind.InvalidToken,
        WechatErrorCodes.InvalidCode or WechatErrorCodes.CodeAlreadyUsed => WechatErrorKind.InvalidCode,
        WechatErrorCodes.DailyQuotaReached => WechatErrorKind.DailyQuotaReached,
        WechatErrorCodes.MinuteRateLimited => WechatErrorKind.RateLimited,
        WechatErrorCodes.NoSubscriptionCredit => WechatErrorKind.NoSubscriptionCredit,
        WechatErrorCodes.NotFollower => WechatErrorKind.NotFollower,
        WechatErrorCodes.InvalidArgument => WechatErrorKind.InvalidArgument,
        _ => WechatErrorKind.Other,
    };

    internal static string? ParseRid(string? errMsg)
    {
        if (string.IsNullOrEmpty(errMsg))
        {
            return null;
        }

        var match = RidPattern().Match(errMsg);
        return match.Success ? match.Groups[1].Value : null;
    }

    [GeneratedRegex(@"rid:\s*([0-9A-Za-z\-]+)")]
    private static partial Regex RidPattern();
}
