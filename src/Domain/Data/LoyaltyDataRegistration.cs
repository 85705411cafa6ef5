using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace WechatLoyalty.Domain.Data;

public static class LoyaltyDataRegistration
{
    /// <summary>MariaDB 10.11 is what the scripts install and the version Pomelo 9 is tested against here.</summary>
    public const string DefaultServerVersion = "10.11.0-mariadb";

    /// <summary>Registers the pooled DbContext; the connection string is read when the first context is made.</summary>
    public static IServiceCollection AddLoyaltyData(this IServiceCollection services, Func<IServiceProvider, (string ConnectionString, string ServerVersion)> settings)
    {
        services.AddDbContextPool<LoyaltyDbContext>((sp, options) =>
        {
            var (connectionString, serverVersion) = settings(sp);
            Configure(options, connectionString, serverVersion);
        });
        return services;
    }

    public static void Configure(DbContextOptionsBuilder options, string connectionString, string serverVersion = DefaultServerVersion) =>
        options.UseMySql(connectionString, ServerVersion.Parse(serverVersion), mysql =>
        {
            mysql.MigrationsAssembly(typeof(LoyaltyDbContext).Assembly.GetName().Name);
            mysql.MigrationsHistoryTable("__ef_migrations_history");
            // Transient failures (a MariaDB restart, a dropped connection) are retried; transactions must therefore
            // run inside strategy.ExecuteAsync (see ResilientTransaction).
            mysql.EnableRetryOnFailure(maxRetryCount: 6, maxRetryDelay: TimeSpan.FromSeconds(5), errorNumbersToAdd: null);
            mysql.EnableStringComparisonTranslations();
        });
}
