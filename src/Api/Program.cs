using WechatLoyalty.Api.AdminConsole;
using WechatLoyalty.Api.Demo;
using WechatLoyalty.Api.Demo.H5;
using WechatLoyalty.Api.Features.Campaigns;
using WechatLoyalty.Api.Features.Console;
using WechatLoyalty.Api.Features.Kpis;
using WechatLoyalty.Api.Features.Members;
using WechatLoyalty.Api.Features.Operations;
using WechatLoyalty.Api.Features.Messages;
using WechatLoyalty.Api.Features.Payments;
using WechatLoyalty.Api.Features.Points;
using WechatLoyalty.Api.Features.WechatCallbacks;
using WechatLoyalty.Api.Features.Programme;
using WechatLoyalty.Api.Features.Referrals;
using WechatLoyalty.Api.Features.Stores;
using WechatLoyalty.Api.Infrastructure;

var (verb, verbArgs, hostArgs) = CommandLine.Split(args);
var builder = WebApplication.CreateBuilder(hostArgs);

builder.AddApiDefaults();
builder.Services.AddDemo();
builder.AddMemberJourneyDemo();
builder.Services.AddReferralsApi();
builder.Services.AddConsole();
builder.Services.AddKpisApi();

var app = builder.Build();

if (verb is not null)
{
    return await CommandLine.RunAsync(app, verb, verbArgs);
}

app.UseApiDefaults();
app.MapProgrammeApi();
app.MapProgrammeSettingsApi();
app.MapConsoleSessionApi();
app.MapStoresApi().MapStoreQrApi();
app.MapMiniProgramAuthApi();
app.MapMembersApi();
app.MapOfficialAccountCallback();
app.MapOrdersApi();
app.MapPayNotification();
app.MapPosPurchasesApi();
app.MapRefundsApi();
app.MapPointsApi();
app.MapJobsApi();
app.MapMemberJourneyDemo();
app.MapReferralsApi();
app.MapSegmentsApi().MapPromotionsApi().MapCampaignsApi();
app.MapConsole();
app.MapMessageTemplatesApi().MapSubscriptionsApi().MapMemberDeliveriesApi();
app.MapKpisApi();

await app.MigrateIfConfiguredAsync();
await app.RunAsync();
return 0;

/// <summary>Entry point type, public so integration tests can host the API with WebApplicationFactory.</summary>
public partial class Program;
