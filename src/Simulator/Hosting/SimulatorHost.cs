using System.Net;
using System.Text.Encodings.Web;
using System.Text.Json;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using WechatLoyalty.Simulator.Pay;
using WechatLoyalty.Simulator.Sim;
using WechatLoyalty.Simulator.State;
using WechatLoyalty.Simulator.Weixin;

namespace WechatLoyalty.Simulator.Hosting;

/// <summary>Wires the simulator into a WebApplication, and starts one in-process on a real Kestrel port for tests.</summary>
public static class SimulatorHost
{
    /// <summary>Registers options (section <c>Simulator</c> unless given), key material, state and the delivery machinery.</summary>
    public static WebApplicationBuilder AddSimulator(this WebApplicationBuilder builder, SimulatorOptions? options = null,
        TimeProvider? timeProvider = null, SimulatorKeys? keys = null)
    {
        options ??= builder.Configuration.GetSection(SimulatorOptions.SectionName).Get<SimulatorOptions>() ?? new SimulatorOptions();
        SimulatorOptionsValidator.ThrowIfInvalid(options);
        keys ??= string.IsNullOrWhiteSpace(options.KeysDirectory)
            ? SimulatorKeys.CreateInMemory(options)
            : SimulatorKeys.LoadOrCreate(options, Path.GetFullPath(options.KeysDirectory));

        var services = builder.Services;
        services.AddSingleton(options);
        services.AddSingleton(keys);
        services.AddSingleton(new SimulatorClock(timeProvider ?? TimeProvider.System));
        services.AddSingleton<SimulatorState>();
        services.AddSingleton<Faults>();
        services.AddSingleton<QuotaTracker>();
        services.AddSingleton<OaPusher>();
        services.AddSingleton<NotificationDispatcher>();
        services.AddSingleton<PayLifecycle>();
        services.AddSingleton<WxFaultFilter>();
        services.AddSingleton<PayAuthFilter>();
        services.AddHttpClient(OaPusher.HttpClientName, client => client.Timeout = Timeout.InfiniteTimeSpan);
        services.ConfigureHttpJsonOptions(json =>
        {
            json.SerializerOptions.PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower;
            json.SerializerOptions.Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping;
        });
        return builder;
    }

    /// <summary>Maps api.weixin.qq.com paths at the root, api.mch.weixin.qq.com under /v3, the stand-ins and inspection under /sim.</summary>
    public static WebApplication MapSimulator(this WebApplication app)
    {
        var wx = app.MapGroup("").AddEndpointFilter<WxFaultFilter>();
        TokenEndpoints.Map(wx);
        MiniProgramEndpoints.Map(wx);
        MessageEndpoints.Map(wx);
        OfficialAccountEndpoints.Map(wx);

        var v3 = app.MapGroup("/v3").AddEndpointFilter<PayAuthFilter>();
        TransactionEndpoints.Map(v3);
        RefundEndpoints.Map(v3);

        var sim = app.MapGroup("/sim");
        SimUserEndpoints.Map(sim);
        SimPayEndpoints.Map(sim);
        SimControlEndpoints.Map(sim);
        app.MapGet("/", InspectionPage.Render);
        app.MapGet("/sim", InspectionPage.Render);
        return app;
    }

    /// <summary>Starts the simulator on 127.0.0.1 (port 0 = a free port) over real HTTP. Without options: defaults with
    /// in-memory keys. Dispose the result to stop it.</summary>
    public static async Task<RunningSimulator> StartAsync(SimulatorOptions? options = null, int port = 0, TimeProvider? timeProvider = null,
        CancellationToken cancellationToken = default)
    {
        options ??= new SimulatorOptions { KeysDirectory = null };
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions
        {
            ApplicationName = typeof(SimulatorHost).Assembly.GetName().Name,
            ContentRootPath = AppContext.BaseDirectory,
            EnvironmentName = "Simulator",
        });
        builder.Logging.ClearProviders();
        builder.WebHost.UseKestrel(kestrel => kestrel.Listen(IPAddress.Loopback, port));
        builder.AddSimulator(options, timeProvider);
        var app = builder.Build();
        app.MapSimulator();
        await app.StartAsync(cancellationToken);
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        return new RunningSimulator(app, new Uri(address.TrimEnd('/') + "/"));
    }
}

/// <summary>An in-process simulator: its base URL, key material and handles for inspection and time control.</summary>
public sealed class RunningSimulator(WebApplication app, Uri baseUri) : IAsyncDisposable
{
    /// <summary>e.g. http://127.0.0.1:41234/ — use it for api.weixin.qq.com, api.mch.weixin.qq.com and /sim alike.</summary>
    public Uri BaseUri { get; } = baseUri;

    public string BaseUrl => BaseUri.ToString().TrimEnd('/');

    public IServiceProvider Services => app.Services;

    public SimulatorOptions Options => app.Services.GetRequiredService<SimulatorOptions>();

    public SimulatorKeys Keys => app.Services.GetRequiredService<SimulatorKeys>();

    public SimulatorState State => app.Services.GetRequiredService<SimulatorState>();

    public SimulatorClock Clock => app.Services.GetRequiredService<SimulatorClock>();

    public Faults Faults => app.Services.GetRequiredService<Faults>();

    public async ValueTask DisposeAsync()
    {
        var keys = Keys;
        await app.StopAsync();
        await app.DisposeAsync();
        keys.Dispose();
    }
}
