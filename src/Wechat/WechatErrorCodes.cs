namespace WechatLoyalty.Wechat;

/// <summary>
/// The errcodes our callers branch on.
/// https://developers.weixin.qq.com/doc/oplatform/developers/errCode/errCode.html
/// </summary>
public static class WechatErrorCodes
{
    public const int SystemBusy = -1;
    public const int InvalidCredential = 40001;
    public const int InvalidAccessToken = 40014;
    public const int AccessTokenExpired = 42001;
    public const int InvalidCode = 40029;
    public const int CodeAlreadyUsed = 40163;
    public const int NotFollower = 43004;
    public const int NoSubscriptionCredit = 43101;
    public const int DailyQuotaReached = 45009;
    public const int MinuteRateLimited = 45011;
    public const int InvalidArgument = 47003;
    public const int PageNotFound = 41030;

    /// <summary>Codes that mean "this token is dead": drop it, refresh once, retry the call once.</summary>
    public static bool IsTokenInvalid(int errCode) =>
        errCode is InvalidCredential or InvalidAccessToken or AccessTokenExpired;
}

/// <summary>What a caller should do about an errcode; the numbers stay available on the exception.</summary>
public enum WechatErrorKind
{
    Other,
    SystemBusy,
    InvalidToken,
    InvalidCode,
    /// <summary>45009: daily quota used up; stop for the day.</summary>
    DailyQuotaReached,
    /// <summary>45011: per-minute limit; try again next minute.</summary>
    RateLimited,
    /// <summary>43101: the user has no one-time subscription credit left (or refused).</summary>
    NoSubscriptionCredit,
    /// <summary>43004: the user does not follow the official account.</summary>
    NotFollower,
    /// <summary>47003: our message data is invalid; errmsg names the field.</summary>
    InvalidArgument,
}
