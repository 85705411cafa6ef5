using System.Globalization;

namespace WechatLoyalty.Domain.Common;

/// <summary>Money is integer fen (1 CNY = 100 fen), exactly as WeChat Pay reports it.</summary>
public static class Fen
{
    public static long FromYuan(decimal yuan) => decimal.ToInt64(decimal.Round(yuan * 100m, 0, MidpointRounding.AwayFromZero));

    /// <summary>Whole yuan, rounded down: points are earned per whole CNY paid.</summary>
    public static long WholeYuan(long fen) => fen >= 0 ? fen / 100 : -((-fen + 99) / 100);

    public static string Format(long fen) =>
        (fen / 100m).ToString("0.00", CultureInfo.InvariantCulture);
}
