using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.DependencyInjection;
using StackExchange.Redis;
using WechatLoyalty.Domain.Data;

namespace WechatLoyalty.Api.Tests.Infrastructure;

/// <summary>
/// The real API over the real MariaDB and Redis: its own database (migrated by the API at start-up, as in
/// development) and its own Redis key prefix, both removed when the test class is done.
/// </summary>
public class LoyaltyApiFactory : WebApplicationFactory<Program>, IAsyncLifetime
{
    private readonly string _keyPrefix = $"loyalty:test:{Guid.NewGuid():N}:";
    private TestDatabase? _database;

    /// <summary>Settings a derived factory adds or overrides.</summary>
    protected virtual IEnumerable<KeyValuePair<string, string?>> Settings => [];

    public string KeyPrefix => _keyPrefix;

    public async Task InitializeAsync() => _database = await TestDatabase.CreateAsync();

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        builder.UseEnvironment("Testing");
        builder.UseSetting("ConnectionStrings:Loyalty", _database!.ConnectionString);
        builder.UseSetting("ConnectionStrings:Redis", TestEnvironment.Redis);
        builder.UseSetting("Redis:KeyPrefix", _keyPrefix);
        builder.UseSetting("Database:MigrateOnStartup", "true");
        builder.UseSetting("Serilog:MinimumLevel:Default", "Warning");
        foreach (var (key, value) in TestSecrets.All) builder.UseSetting(key, value);
        foreach (var (key, value) in Settings) builder.UseSetting(key, value);
    }

    public async Task WithDbAsync(Func<LoyaltyDbContext, Task> work)
    {
        await using var scope = Services.CreateAsyncScope();
        await work(scope.ServiceProvider.GetRequiredService<LoyaltyDbContext>());
    }

    public async Task<T> WithDbAsync<T>(Func<LoyaltyDbContext, Task<T>> work)
    {
        await using var scope = Services.CreateAsyncScope();
        return await work(scope.ServiceProvider.GetRequiredService<LoyaltyDbContext>());
    }

    async Task IAsyncLifetime.DisposeAsync()
    {
        if (_database is null) return;
        try
        {
            var redis = Services.GetRequiredService<IConnectionMultiplexer>();
            foreach (var server in redis.GetServers())
            {
                await foreach (var key in server.KeysAsync(pattern: _keyPrefix + "*"))
                    await redis.GetDatabase().KeyDeleteAsync(key);
            }
        }
        catch (RedisException)
        {
            // A test that took Redis away has nothing to clean there.
        }
        finally
        {
            await DisposeAsync();
            await _database.DisposeAsync();
        }
    }
}
