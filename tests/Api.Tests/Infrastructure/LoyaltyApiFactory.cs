extern alias sim;

using System.Net;
using System.Net.Sockets;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using Serilog.Core;
using StackExchange.Redis;
using WechatLoyalty.Domain.Data;
using sim::WechatLoyalty.Simulator;
using sim::WechatLoyalty.Simulator.Hosting;

namespace WechatLoyalty.Api.Tests.Infrastructure;

/// <summary>
/// The real API on real Kestrel over the real MariaDB and Redis, with its own WeChat simulator: its own database
/// (migrated by the API at start-up, as in development), its own Redis key prefix, its own simulator whose
/// callbacks (OA pushes, Pay notifications) reach this API over HTTP. All removed when the test class is done.
/// </summary>
public class LoyaltyApiFactory : WebApplicationFactory<Program>, IAsyncLifetime
{
    private readonly string _id = Guid.NewGuid().ToString("N");
    private TestDatabase? _database;
    private RunningSimulator? _simulator;
    private int _port;

    /// <summary>Settings a derived factory adds or overrides.</summary>
    protected virtual IEnumerable<KeyValuePair<string, string?>> Settings => [];

    /// <summary>Changes to the simulator's options (e.g. other OA keys) before it starts; the API's Wechat settings follow them.</summary>
    protected virtual void ConfigureSimulator(SimulatorOptions options)
    {
    }

    public string KeyPrefix => $"loyalty:test:{_id}:";

    public RunningSimulator Simulator => _simulator ?? throw new InvalidOperationException("The fixture is not initialised.");

    public string BaseUrl => $"http://127.0.0.1:{_port}";

    /// <summary>Every log event the API wrote at the configured level (Warning and up unless a factory lowers it).</summary>
    public LogCapture Logs { get; } = new();

    /// <summary>The API's own database (for row counts that bypass EF).</summary>
    public string DatabaseConnectionString => _database?.ConnectionString ?? throw new InvalidOperationException("The fixture is not initialised.");

    /// <summary>The MariaDB server (no database) this factory's database lives on; the reliability tests bring their own.</summary>
    protected virtual string MySqlServer => TestEnvironment.MySqlServer;

    /// <summary>The Redis this factory's API uses; the reliability tests bring their own.</summary>
    protected virtual string RedisConfiguration => TestEnvironment.Redis;

    /// <summary>Starts what the derived factory needs before the database and the API (private servers).</summary>
    protected virtual Task StartDependenciesAsync() => Task.CompletedTask;

    /// <summary>Stops what <see cref="StartDependenciesAsync"/> started, after everything else is disposed.</summary>
    protected virtual ValueTask StopDependenciesAsync() => ValueTask.CompletedTask;

    public async Task InitializeAsync()
    {
        await StartDependenciesAsync();
        _database = await TestDatabase.CreateAsync(MySqlServer);
        _port = FreePort();
        var simulatorOptions = new SimulatorOptions
        {
            KeysDirectory = null,
            NotificationTimeScale = 0.001,
            OfficialAccount = { ServerUrl = $"{BaseUrl}/wechat/oa" },
        };
        ConfigureSimulator(simulatorOptions);
        _simulator = await SimulatorHost.StartAsync(simulatorOptions);
        UseKestrel(_port);
        // Started now, not on first use: the simulator may call the API (OA pushes, Pay notifications) before a test does.
        StartServer();
    }

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        builder.UseEnvironment("Testing");
        builder.UseSetting("ConnectionStrings:Loyalty", _database!.ConnectionString);
        builder.UseSetting("ConnectionStrings:Redis", RedisConfiguration);
        builder.UseSetting("Redis:KeyPrefix", KeyPrefix);
        builder.UseSetting("Database:MigrateOnStartup", "true");
        builder.UseSetting("Serilog:MinimumLevel:Default", "Warning");
        // No Hangfire server per test class unless a test asks for one (JobsTests does).
        builder.UseSetting("Jobs:ServerEnabled", "false");
        foreach (var (key, value) in TestSecrets.All) builder.UseSetting(key, value);
        foreach (var (key, value) in WechatSettings.For(Simulator, BaseUrl, KeyPrefix)) builder.UseSetting(key, value);
        foreach (var (key, value) in Settings) builder.UseSetting(key, value);
        // Serilog owns the logger factory (ILoggerProviders are not written to); its ReadFrom.Services picks up sinks.
        builder.ConfigureTestServices(services => services.AddSingleton<ILogEventSink>(Logs));
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
                await foreach (var key in server.KeysAsync(pattern: KeyPrefix + "*"))
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
            if (_simulator is not null) await _simulator.DisposeAsync();
            await _database.DisposeAsync();
            await StopDependenciesAsync();
        }
    }

    /// <summary>
    /// A free port below Linux's ephemeral range (32768+). The port is released before Kestrel binds it; an
    /// ephemeral one could meanwhile be handed to a simulator of a parallel test class (they bind port 0).
    /// </summary>
    private static int FreePort()
    {
        for (var attempt = 0; attempt < 100; attempt++)
        {
            var port = Random.Shared.Next(20_000, 32_000);
            try
            {
                using var listener = new TcpListener(IPAddress.Loopback, port);
                listener.Start();
                return port;
            }
            catch (SocketException)
            {
                // Taken: try another.
            }
        }
        throw new InvalidOperationException("No free port found for the test API.");
    }
}
