using System.Text.Json.Serialization;
using Microsoft.Extensions.Options;
using Scalar.AspNetCore;
using Serilog;
using Serilog.Formatting.Compact;
using WechatLoyalty.Api.Infrastructure.Auth;
using WechatLoyalty.Domain;
using WechatLoyalty.Domain.Common;
using WechatLoyalty.Domain.Data;
using WechatLoyalty.Jobs;
using WechatLoyalty.Jobs.Hosting;

namespace WechatLoyalty.Api.Infrastructure;

internal static class HostingExtensions
{
    /// <summary>Logging, errors, OpenAPI, options, data, Redis and health: what every feature stands on.</summary>
    public static IHostApplicationBuilder AddApiDefaults(this IHostApplicationBuilder builder)
    {
        // Levels come from the Serilog section; the format from Logging:Format: one JSON object per line for log
        // shippers (the default), or text for people reading a terminal (Development).
        var json = !string.Equals(builder.Configuration["Logging:Format"], "text", StringComparison.OrdinalIgnoreCase);
        builder.Services.AddSerilog((services, logger) =>
        {
            logger.ReadFrom.Configuration(builder.Configuration).ReadFrom.Services(services).Enrich.FromLogContext();
            if (json) logger.WriteTo.Console(new RenderedCompactJsonFormatter());
            else logger.WriteTo.Console(outputTemplate: "[{Timestamp:HH:mm:ss} {Level:u3}] {SourceContext}: {Message:lj}{NewLine}{Exception}");
        }, preserveStaticLogger: true); // each host logs through its own logger, not the process-wide Log.Logger (hosts side by side in tests)

        builder.Services.AddProblemDetails(o => o.CustomizeProblemDetails = c =>
            c.ProblemDetails.Extensions.TryAdd("traceId", c.HttpContext.TraceIdentifier));
        builder.Services.AddExceptionHandler<ProblemDetailsExceptionHandler>();
        // Unreadable bodies and unbindable parameters throw, so the one exception handler answers them with a
        // ProblemDetails that says what was wrong, instead of a bare 400.
        builder.Services.Configure<RouteHandlerOptions>(o => o.ThrowOnBadRequest = true);
        builder.Services.AddOpenApi();
        // Enums travel as their names ("Female", "StoreQr"): readable, and stable when members are reordered.
        builder.Services.ConfigureHttpJsonOptions(o => o.SerializerOptions.Converters.Add(new JsonStringEnumConverter()));
        builder.Services.AddValidation();

        builder.AddLoyaltyCore();
        builder.AddLoyaltyJobs();
        var services = builder.Services;
        services.AddLoyaltyAuth();
        services.AddOptions<Features.Stores.MembersOptions>().BindConfiguration(Features.Stores.MembersOptions.Section)
            .Validate(o => !string.IsNullOrWhiteSpace(o.JoinPage) && !o.JoinPage.StartsWith('/') && !o.JoinPage.Contains('?'),
                "Members:JoinPage must be a published page path without a leading '/' or a query.")
            .ValidateOnStart();
        services.AddLoyaltyHealthChecks();
        return builder;
    }

    public static WebApplication UseApiDefaults(this WebApplication app)
    {
        app.UseExceptionHandler();
        app.UseStatusCodePages();
        app.UseSerilogRequestLogging(o =>
            o.MessageTemplate = "HTTP {RequestMethod} {RequestPath} responded {StatusCode} in {Elapsed:0.0} ms");
        app.UseAuthentication();
        app.UseAuthorization();

        if (app.Configuration.GetValue("OpenApi:Enabled", true))
        {
            app.MapOpenApi();
            app.MapScalarApiReference(o => o.WithTitle("WechatLoyalty API"));
        }
        app.MapLoyaltyHealthChecks();
        app.MapJobsDashboard();
        return app;
    }
}
