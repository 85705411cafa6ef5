using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.StaticFiles;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.FileProviders;
using Microsoft.Extensions.Options;
using WechatLoyalty.Domain.Data;
using WechatLoyalty.Jobs.Referrals;
using WechatLoyalty.Wechat;

namespace WechatLoyalty.Api.Demo.H5;

/// <summary><c>Demo:MemberJourney</c>: the browser stand-in for the mini-program. Off unless asked for.</summary>
public sealed class MemberJourneyOptions
{
    public const string Section = "Demo:MemberJourney";

    /// <summary>Serve /demo. Default: on in Development (./run.sh), off everywhere else, production included.</summary>
    public bool? Enabled { get; set; }
}

/// <summary>
/// A few static pages at <c>/demo</c> that play the mini-program against the real API, with the WeChat simulator
/// playing WeChat: wx.login, requestPayment, requestSubscribeMessage and share are the simulator's stand-ins.
/// The page talks to the simulator through <c>/demo/sim/*</c> on this origin (only the simulator's own /sim
/// controls, only in demo mode), so one port is enough and nothing here can reach a real WeChat host.
/// </summary>
internal static class MemberJourneyDemo
{
    private const string SimClient = "demo-simulator";

    public static void AddMemberJourneyDemo(this IHostApplicationBuilder builder)
    {
        builder.Services.AddOptions<MemberJourneyOptions>().BindConfiguration(MemberJourneyOptions.Section);
        builder.Services.AddHttpClient(SimClient, (sp, client) =>
        {
            client.BaseAddress = sp.GetRequiredService<IOptions<WechatEndpointsOptions>>().Value.Api;
            client.Timeout = TimeSpan.FromSeconds(15);
        });
    }

    public static void MapMemberJourneyDemo(this WebApplication app)
    {
        var enabled = app.Services.GetRequiredService<IOptions<MemberJourneyOptions>>().Value.Enabled ?? app.Environment.IsDevelopment();
        if (!enabled) return;

        var root = Path.Combine(AppContext.BaseDirectory, "Demo", "H5", "www");
        var files = new PhysicalFileProvider(root);
        // Middleware, not an endpoint: routing treats /demo and /demo/ alike, and the page needs the slash.
        app.Use((context, next) =>
        {
            if (context.Request.Path.Value == "/demo")
            {
                context.Response.Redirect("/demo/" + context.Request.QueryString);
                return Task.CompletedTask;
            }
            return next(context);
        });
        app.UseDefaultFiles(new DefaultFilesOptions { RequestPath = "/demo", FileProvider = files });
        app.UseStaticFiles(new StaticFileOptions
        {
            RequestPath = "/demo", FileProvider = files, ContentTypeProvider = new FileExtensionContentTypeProvider(),
            // The page changes with the API it drives; never let a browser keep an old copy.
            OnPrepareResponse = c => c.Context.Response.Headers.CacheControl = "no-store",
        });

        var group = app.MapGroup("/demo").AllowAnonymous().ExcludeFromDescription().WithTags("Demo");
        group.MapGet("/api/stores", Stores);
        group.Map("/sim/{**path}", ForwardToSimulator);
        group.MapPost("/api/referrals/release", ReleaseReferralRewards);
    }

    /// <summary>
    /// Runs the referral reward release job now instead of at its next quarter hour: the real job, so it pays only
    /// rewards whose return window has closed (every pending one under the accessory preset's 0 days, none early
    /// under the mall preset's 7).
    /// </summary>
    private static async Task<NoContent> ReleaseReferralRewards(ReferralJobs jobs, CancellationToken ct)
    {
        await jobs.ReleaseRewardsAsync(ct);
        return TypedResults.NoContent();
    }

    public sealed record DemoStore(string Code, string Name, string City);

    private static async Task<List<DemoStore>> Stores(LoyaltyDbContext db, CancellationToken ct) =>
        await db.Stores.AsNoTracking().Where(s => s.IsActive).OrderBy(s => s.Code).Select(s => new DemoStore(s.Code, s.Name, s.City)).ToListAsync(ct);

    /// <summary>Forwards GET/POST to the simulator's /sim controls, body and status as they are.</summary>
    private static async Task ForwardToSimulator(string path, HttpContext context, IHttpClientFactory clients)
    {
        var request = context.Request;
        if (!HttpMethods.IsGet(request.Method) && !HttpMethods.IsPost(request.Method))
        {
            context.Response.StatusCode = StatusCodes.Status405MethodNotAllowed;
            return;
        }
        using var message = new HttpRequestMessage(new HttpMethod(request.Method), "sim/" + path + request.QueryString);
        if (HttpMethods.IsPost(request.Method))
        {
            var body = await Infrastructure.RequestBody.ReadAsync(request, 64 * 1024, context.RequestAborted);
            if (body is null)
            {
                await Results.Problem(statusCode: 413, title: "Too large for the simulator's controls.").ExecuteAsync(context);
                return;
            }
            message.Content = new ByteArrayContent(body.Length == 0 ? "{}"u8.ToArray() : body);
            message.Content.Headers.ContentType = new("application/json");
        }
        HttpResponseMessage response;
        try
        {
            response = await clients.CreateClient(SimClient).SendAsync(message, context.RequestAborted);
        }
        catch (HttpRequestException)
        {
            await Results.Problem(statusCode: 502, title: "The WeChat simulator is not reachable.").ExecuteAsync(context);
            return;
        }
        using (response)
        {
            context.Response.StatusCode = (int)response.StatusCode;
            context.Response.ContentType = response.Content.Headers.ContentType?.ToString() ?? "application/json";
            await response.Content.CopyToAsync(context.Response.Body, context.RequestAborted);
        }
    }
}
