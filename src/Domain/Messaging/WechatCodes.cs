namespace WechatLoyalty.Domain.Messaging;

/// <summary>The WeChat errcodes the dispatcher acts on (wechat-protocol.md §0, A5, B6). Domain does not see src/Wechat.</summary>
internal static class WechatCodes
{
    public const int NotFollower = 43004;
    public const int NoSubscriptionCredit = 43101;
    public const int DailyQuotaReached = 45009;
    public const int MinuteRateLimited = 45011;
}
