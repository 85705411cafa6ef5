using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using WechatLoyalty.Domain.Data;

namespace WechatLoyalty.Api.Infrastructure;

internal static class Migrations
{
    /// <summary>
    /// Development applies pending migrations at start-up; production runs <c>WechatLoyalty.Api migrate</c> as a
    /// release step instead, so several instances starting together never race to migrate.
    /// </summary>
    public static async Task MigrateIfConfiguredAsync(this WebApplication app)
    {
        var migrate = app.Services.GetRequiredService<IOptions<DatabaseOptions>>().Value.MigrateOnStartup
            ?? app.Environment.IsDevelopment();
        if (migrate) await MigrateAsync(app.Services, app.Logger, app.Lifetime.ApplicationStopping);
    }

    public static async Task MigrateAsync(IServiceProvider services, ILogger logger, CancellationToken ct)
    {
        await using var scope = services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<LoyaltyDbContext>();
        var pending = (await db.Database.GetPendingMigrationsAsync(ct)).ToList();
        if (pending.Count == 0)
        {
            logger.LogInformation("Database schema is up to date");
            return;
        }
        logger.LogInformation("Applying {Count} migration(s): {Migrations}", pending.Count, string.Join(", ", pending));
        await db.Database.MigrateAsync(ct);
    }
}
