using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using WechatLoyalty.Api.Demo;
using WechatLoyalty.Domain.Admin;
using WechatLoyalty.Domain.Data;

namespace WechatLoyalty.Api.Infrastructure;

/// <summary>
/// Operator commands run by the same binary as the API, so production needs no SDK:
/// <c>migrate</c>, <c>seed-demo</c>, <c>create-admin &lt;user&gt; &lt;role&gt;</c> (password from WL_ADMIN_PASSWORD).
/// </summary>
internal static class CommandLine
{
    private static readonly string[] Verbs = ["migrate", "seed-demo", "create-admin"];

    /// <summary>Splits a leading verb off the arguments so configuration binding never sees it.</summary>
    public static (string? Verb, string[] VerbArgs, string[] HostArgs) Split(string[] args)
    {
        if (args.Length == 0 || !Verbs.Contains(args[0])) return (null, [], args);
        var verbArgs = args.Skip(1).TakeWhile(a => !a.StartsWith("--", StringComparison.Ordinal)).ToArray();
        return (args[0], verbArgs, args.Skip(1 + verbArgs.Length).ToArray());
    }

    public static async Task<int> RunAsync(WebApplication app, string verb, string[] verbArgs)
    {
        var ct = app.Lifetime.ApplicationStopping;
        await using var scope = app.Services.CreateAsyncScope();
        switch (verb)
        {
            case "migrate":
                await Migrations.MigrateAsync(app.Services, app.Logger, ct);
                return 0;
            case "seed-demo":
                await Migrations.MigrateAsync(app.Services, app.Logger, ct);
                await scope.ServiceProvider.GetRequiredService<DemoSeeder>().SeedAsync(ct);
                return 0;
            case "create-admin":
                return await CreateAdminAsync(scope.ServiceProvider, verbArgs, ct);
            default:
                return 2;
        }
    }

    private static async Task<int> CreateAdminAsync(IServiceProvider services, string[] args, CancellationToken ct)
    {
        var password = Environment.GetEnvironmentVariable("WL_ADMIN_PASSWORD");
        if (args.Length < 1 || string.IsNullOrEmpty(password) || password.Length < 10)
        {
            await Console.Error.WriteLineAsync("usage: WL_ADMIN_PASSWORD=<at least 10 chars> WechatLoyalty.Api create-admin <user> [Admin|Marketing|StoreManager|Clerk]");
            return 2;
        }
        var role = args.Length > 1 && Enum.TryParse<AdminRole>(args[1], ignoreCase: true, out var r) ? r : AdminRole.Admin;
        var db = services.GetRequiredService<LoyaltyDbContext>();
        if (await db.AdminUsers.AnyAsync(u => u.UserName == args[0], ct))
        {
            await Console.Error.WriteLineAsync($"user '{args[0]}' already exists");
            return 1;
        }
        var user = new AdminUser { UserName = args[0], DisplayName = args[0], Role = role, PasswordHash = "", CreatedAt = DateTime.UtcNow };
        user.PasswordHash = new PasswordHasher<AdminUser>().HashPassword(user, password);
        db.AdminUsers.Add(user);
        await db.SaveChangesAsync(ct);
        Console.WriteLine($"created {role} '{user.UserName}'");
        return 0;
    }
}
