using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Serilog;
using WechatLoyalty.Jobs.Hosting;

namespace WechatLoyalty.Jobs;

/// <summary>
/// The standalone job worker (<c>dotnet run --project src/Jobs</c>): the same jobs and schedule as the API's
/// in-process server, for scaling the background work out to its own machines. Same settings as the API.
/// </summary>
internal static class Worker
{
    public static async Task Main(string[] args)
    {
        var builder = Host.CreateApplicationBuilder(args);
        builder.Configuration["Jobs:ServerEnabled"] = "true";
        // Settings come from the environment, as the API's do; the defaults below keep framework chatter down.
        builder.Services.AddSerilog((services, logger) => logger
            .MinimumLevel.Information()
            .MinimumLevel.Override("Microsoft", Serilog.Events.LogEventLevel.Warning)
            .MinimumLevel.Override("System.Net.Http.HttpClient", Serilog.Events.LogEventLevel.Warning)
            .MinimumLevel.Override("Polly", Serilog.Events.LogEventLevel.Warning)
            .ReadFrom.Configuration(builder.Configuration).Enrich.FromLogContext()
            .WriteTo.Console(outputTemplate: "[{Timestamp:HH:mm:ss} {Level:u3}] {SourceContext}: {Message:lj}{NewLine}{Exception}"));
        builder.AddLoyaltyCore();
        builder.AddLoyaltyJobs();
        await builder.Build().RunAsync();
    }
}
