using System.Security.Cryptography;

namespace WechatLoyalty.Api.Tests.Infrastructure;

/// <summary>Fresh keys for each test run: secrets never come from a file in the repository.</summary>
internal static class TestSecrets
{
    public static readonly KeyValuePair<string, string?>[] All =
    [
        new("Auth:MemberTokenKey", Convert.ToBase64String(RandomNumberGenerator.GetBytes(32))),
        new("Security:DataKey", Convert.ToBase64String(RandomNumberGenerator.GetBytes(32))),
        new("Security:HashKey", Convert.ToBase64String(RandomNumberGenerator.GetBytes(32))),
    ];
}
