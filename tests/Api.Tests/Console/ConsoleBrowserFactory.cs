using WechatLoyalty.Api.Tests.Infrastructure;

namespace WechatLoyalty.Api.Tests.Console;

/// <summary>
/// The API for the console's browser tests: with a Hangfire server (imports and campaigns run as jobs). The dashboard
/// talks to the real KPI endpoints (no stand-in), so its charts are drawn from what the SQL computes.
/// </summary>
public sealed class ConsoleBrowserFactory : LoyaltyApiFactory
{
    protected override IEnumerable<KeyValuePair<string, string?>> Settings =>
    [
        new("Jobs:ServerEnabled", "true"),
        new("Jobs:WorkerCount", "2"),
    ];
}
