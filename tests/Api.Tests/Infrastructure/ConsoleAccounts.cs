using System.Net.Http.Json;
using Microsoft.AspNetCore.Identity;
using WechatLoyalty.Domain.Admin;

namespace WechatLoyalty.Api.Tests.Infrastructure;

internal static class ConsoleAccounts
{
    public const string Password = "correct horse battery";

    public static async Task<AdminUser> CreateAsync(LoyaltyApiFactory factory, string userName, AdminRole role, long? storeId = null)
    {
        var user = new AdminUser { UserName = userName, DisplayName = userName, Role = role, StoreId = storeId, PasswordHash = "", CreatedAt = DateTime.UtcNow };
        user.PasswordHash = new PasswordHasher<AdminUser>().HashPassword(user, Password);
        await factory.WithDbAsync(async db => { db.AdminUsers.Add(user); await db.SaveChangesAsync(); });
        return user;
    }

    /// <summary>A client holding the console cookie of a fresh account with <paramref name="role"/>.</summary>
    public static async Task<HttpClient> SignedInClientAsync(LoyaltyApiFactory factory, AdminRole role, long? storeId = null)
    {
        var user = await CreateAsync(factory, $"{role.ToString().ToLowerInvariant()}-{Guid.NewGuid():N}"[..30], role, storeId);
        var client = factory.CreateClient();
        var response = await client.PostAsJsonAsync("/api/admin/session", new { user.UserName, Password });
        response.EnsureSuccessStatusCode();
        return client;
    }
}
