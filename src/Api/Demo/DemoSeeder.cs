using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using WechatLoyalty.Api.Infrastructure;
using WechatLoyalty.Domain.Admin;
using WechatLoyalty.Domain.Common;
using WechatLoyalty.Domain.Data;
using WechatLoyalty.Domain.Members;
using WechatLoyalty.Domain.Programme;
using WechatLoyalty.Domain.Stores;

namespace WechatLoyalty.Api.Demo;

/// <summary>Section <c>Demo</c>: what the run command's demo programme looks like.</summary>
public sealed class DemoOptions
{
    public int Members { get; set; } = 300;
    public int HistoryMonths { get; set; } = 18;
    public string MiniProgramAppId { get; set; } = "wx5e1f0a9b2c3d4e01";
    public string AdminPassword { get; set; } = "demo-admin-2026";

    /// <summary>Fixed so every demo database looks alike; only codes and ids that must be unguessable differ.</summary>
    public int RandomSeed { get; set; } = 20261123;
}

/// <summary>
/// Seeds a demo programme once: the configured preset, four stores with staff, console accounts for each role,
/// and a few hundred members with 18 months of WeChat Pay purchases, points lots, ledger entries and tier history,
/// so dashboards, tiers and expiry have real data to work on. A second run leaves existing data alone.
/// </summary>
public sealed class DemoSeeder(
    LoyaltyDbContext db,
    ProgrammeRulesStore rulesStore,
    ProgrammeClock clock,
    IOptions<ProgrammeOptions> programme,
    IOptions<DemoOptions> demo,
    Domain.Messaging.MessageTemplates messageTemplates,
    ILogger<DemoSeeder> logger)
{
    private static readonly (string Code, string Name, string City, string[] Staff)[] StoreSeeds =
    [
        ("SH001", "静安嘉里中心店 Jing'an Kerry Centre", "上海 Shanghai", ["Li Na", "Wang Fang", "Zhang Wei"]),
        ("SH002", "徐家汇港汇店 Xujiahui Grand Gateway", "上海 Shanghai", ["Liu Yang", "Chen Jing"]),
        ("HZ001", "杭州湖滨银泰店 Hangzhou Hubin in77", "杭州 Hangzhou", ["Zhao Lei", "Huang Min"]),
        ("BJ001", "北京三里屯太古里店 Beijing Taikoo Li", "北京 Beijing", ["Zhou Jie", "Wu Xia", "Xu Tao"]),
    ];

    public async Task SeedAsync(CancellationToken ct)
    {
        // Before the "already seeded" check, so a demo database from before messages existed gets its templates too.
        await DemoMessageTemplates.SeedAsync(db, messageTemplates, ct);
        if (await db.Stores.AnyAsync(ct))
        {
            logger.LogInformation("Demo data already present; leaving it as it is");
            return;
        }

        var options = demo.Value;
        var now = clock.UtcNow;
        var rules = ProgrammePresets.ByName(programme.Value.Preset);
        db.ProgrammeVersions.Add(rulesStore.NewVersion(rules, clock.DateOf(now.AddMonths(-options.HistoryMonths - 1)), "demo-seed"));

        var stores = StoreSeeds.Select((s, i) => new Store
        {
            Code = s.Code, Name = s.Name, City = s.City, CreatedAt = now.AddMonths(-options.HistoryMonths - 1).UtcDateTime,
        }).ToList();
        for (var i = 0; i < stores.Count; i++)
        {
            stores[i].Staff.AddRange(StoreSeeds[i].Staff.Select((name, j) => new Staff
            {
                Code = $"U{j + 1:00}", Name = name, CreatedAt = stores[i].CreatedAt,
            }));
        }
        db.Stores.AddRange(stores);
        await db.SaveChangesAsync(ct);

        AddConsoleAccounts(stores[0].Id, options.AdminPassword, now.UtcDateTime);
        await db.SaveChangesAsync(ct);

        var history = new DemoHistory(db, clock, rules, new Random(options.RandomSeed), options.MiniProgramAppId);
        await history.AddMembersAsync(stores, options.Members, options.HistoryMonths, ct);

        logger.LogInformation("Seeded the demo programme: {Stores} stores, {Members} members, {Payments} payments",
            stores.Count, options.Members, await db.Payments.CountAsync(ct));
    }

    private void AddConsoleAccounts(long firstStoreId, string password, DateTime now)
    {
        var hasher = new PasswordHasher<AdminUser>();
        (string User, string Name, AdminRole Role, long? Store)[] accounts =
        [
            ("admin", "Demo Admin", AdminRole.Admin, null),
            ("marketing", "Demo Marketing", AdminRole.Marketing, null),
            ("manager", "Demo Store Manager", AdminRole.StoreManager, firstStoreId),
            ("clerk", "Demo Clerk", AdminRole.Clerk, firstStoreId),
        ];
        foreach (var (user, name, role, store) in accounts)
        {
            var account = new AdminUser { UserName = user, DisplayName = name, Role = role, StoreId = store, PasswordHash = "", CreatedAt = now };
            account.PasswordHash = hasher.HashPassword(account, password);
            db.AdminUsers.Add(account);
        }
    }
}

internal static class DemoRegistration
{
    public static IServiceCollection AddDemo(this IServiceCollection services)
    {
        services.AddOptions<DemoOptions>().BindConfiguration("Demo")
            .Validate(o => o.Members is >= 0 and <= 100_000, "Demo:Members must be between 0 and 100000.")
            .Validate(o => o.HistoryMonths is >= 1 and <= 60, "Demo:HistoryMonths must be between 1 and 60.")
            .Validate(o => o.AdminPassword.Length >= 8, "Demo:AdminPassword must have at least 8 characters.");
        services.AddScoped<DemoSeeder>();
        return services;
    }
}
