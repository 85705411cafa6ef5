namespace WechatLoyalty.Api.Tests.Infrastructure;

/// <summary>
/// Where the test command's MariaDB and Redis are. test.sh exports both; the defaults are the project-local
/// servers that ./run.sh and ./test.sh start, so a test can also be run from an IDE while they are up.
/// </summary>
internal static class TestEnvironment
{
    public static string MySqlServer =>
        Environment.GetEnvironmentVariable("WL_TEST_MYSQL")
        ?? "Server=127.0.0.1;Port=3307;User ID=loyalty;Password=loyalty-dev-password";

    public static string Redis => Environment.GetEnvironmentVariable("WL_TEST_REDIS") ?? "127.0.0.1:6380";
}
