using Hangfire;
using Hangfire.Dashboard;
using WechatLoyalty.Api.Infrastructure.Auth;
using WechatLoyalty.Domain.Admin;

namespace WechatLoyalty.Api.Infrastructure;

internal static class HangfireDashboard
{
    /// <summary>
    /// <c>/hangfire</c> for console users: admins may act (retry, delete, trigger), marketing may look. The endpoint's
    /// policy does the authentication; Hangfire's own filter (local requests only by default) is replaced by it.
    /// </summary>
    public static void MapJobsDashboard(this WebApplication app)
    {
        app.MapHangfireDashboard("/hangfire", new DashboardOptions
        {
            Authorization = [],
            AsyncAuthorization = [],
            IsReadOnlyFunc = context => !context.GetHttpContext().User.IsInRole(nameof(AdminRole.Admin)),
            DisplayStorageConnectionString = false,
            DashboardTitle = "WechatLoyalty jobs",
        }).RequireAuthorization(Policies.Marketing);
    }
}
