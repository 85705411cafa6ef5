using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using Microsoft.AspNetCore.Authorization;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using WechatLoyalty.Api.Tests.Infrastructure;
using WechatLoyalty.Api.Tests.Payments;
using WechatLoyalty.Domain.Admin;
using WechatLoyalty.Domain.Payments;
using WechatLoyalty.Domain.Stores;
using Xunit.Abstractions;

namespace WechatLoyalty.Api.Tests.Reliability;

/// <summary>
/// Generated from the running API's endpoint list, so a new endpoint is covered without touching this file: every
/// endpoint is denied without credentials, to a member token on console routes, to console roles its policy leaves
/// out, to another member (for resources named in the route) and to a store manager of another store. Anonymous
/// endpoints must be listed below with the reason they are open. Nothing any denied call makes is written.
/// </summary>
public class AuthorizationTests(LoyaltyApiFactory factory, ITestOutputHelper output) : IClassFixture<LoyaltyApiFactory>
{
    /// <summary>Open on purpose; anything else anonymous fails the first test.</summary>
    private static readonly Dictionary<string, string> AnonymousAllowList = new()
    {
        ["* /health/live"] = "liveness probe for the orchestrator; says nothing but 'running'",
        ["* /health/ready"] = "readiness probe for the load balancer; reports dependency health only",
        ["GET /openapi/{documentName}.json"] = "the API description (OpenApi:Enabled, off where it should not be public)",
        ["GET /scalar/{documentName?}"] = "the API reference UI over the same description",
        ["GET /scalar/scalar.js"] = "the API reference UI's static script",
        ["GET /scalar/scalar.aspnetcore.js"] = "the API reference UI's static script",
        ["GET /scalar/favicon.svg"] = "the API reference UI's icon",
        ["GET /api/programme"] = "the public programme rules (tiers, benefits) the mini-program shows before login",
        ["POST /api/mp/login"] = "exchanges a wx.login code (verified at WeChat) for a member token",
        ["POST /api/mp/token/refresh"] = "rotates a refresh token (the token is the credential)",
        ["POST /api/admin/session"] = "console sign-in (password, lock-out after failures)",
        ["POST /wechat/pay/notify"] = "WeChat Pay notifications: authenticated by WeChat Pay's RSA signature and AES-GCM, not a session",
        ["GET /wechat/oa"] = "official-account URL check: authenticated by the token signature",
        ["POST /wechat/oa"] = "official-account pushes: authenticated by the token signature / msg_signature",
        ["* /console/signin"] = "the console's sign-in page (password, lock-out after failures)",
        ["* /console/forbidden"] = "the page a signed-in user is sent to when their role may not open a page",
        ["GET /console/lang/{code}"] = "switches the console's language cookie (zh-CN / en); no data",
    };

    private IReadOnlyList<ApiEndpoint> Endpoints => EndpointCatalog.Of(factory.Services);

    [Fact]
    public void AnonymousEndpoints_AreExactlyTheAllowList()
    {
        foreach (var e in Endpoints) output.WriteLine($"{e.Name} anonymous={e.Anonymous} policies={string.Join(",", e.Policies)} body={e.RequestType?.Name}");
        var anonymous = Endpoints.Where(e => e.Anonymous).Select(e => e.Name).ToHashSet();

        Assert.True(anonymous.SetEquals(AnonymousAllowList.Keys),
            $"Open but not allow-listed: {string.Join(", ", anonymous.Except(AnonymousAllowList.Keys))}; "
            + $"allow-listed but gone or protected: {string.Join(", ", AnonymousAllowList.Keys.Except(anonymous))}");
    }

    [Fact]
    public async Task EveryProtectedEndpoint_Is401_WithoutCredentials_OrWithAForgedToken()
    {
        var forged = factory.CreateClient();
        forged.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer",
            "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiIxIiwiaWQiOiIxIn0.c2lnbmF0dXJlLW5vdC12YWxpZA");
        await AssertDeniedAsync([factory.CreateClient(), forged], Endpoints.Where(e => !e.Anonymous), _ => null, [HttpStatusCode.Unauthorized]);
    }

    [Fact]
    public async Task MemberToken_IsDeniedOnEveryConsoleEndpoint_AndConsoleCookieOnEveryMemberEndpoint()
    {
        var member = await Shop.CustomerAsync(factory);
        var admin = await Shop.AdminAsync(factory);
        var consoleEndpoints = Endpoints.Where(e => (e.IsConsole || e.Route.StartsWith("/api/admin", StringComparison.Ordinal)) && !e.Anonymous).ToList();
        Assert.NotEmpty(consoleEndpoints);

        await AssertDeniedAsync([member.Client], consoleEndpoints, _ => null, [HttpStatusCode.Unauthorized, HttpStatusCode.Forbidden]);
        await AssertDeniedAsync([admin], Endpoints.Where(e => e.IsMember), _ => null, [HttpStatusCode.Unauthorized, HttpStatusCode.Forbidden]);
    }

    [Fact]
    public async Task ConsoleRolesThePolicyLeavesOut_AreForbidden()
    {
        var policies = factory.Services.GetRequiredService<IAuthorizationPolicyProvider>();
        var clients = new Dictionary<AdminRole, HttpClient>();
        foreach (var role in Enum.GetValues<AdminRole>()) clients[role] = await ConsoleAccounts.SignedInClientAsync(factory, role, role == AdminRole.StoreManager ? await StoreAsync("RA") : null);

        foreach (var endpoint in Endpoints.Where(e => e.IsConsole))
        {
            var allowed = new HashSet<AdminRole>(Enum.GetValues<AdminRole>());
            foreach (var name in endpoint.Policies)
            {
                var policy = await policies.GetPolicyAsync(name) ?? throw new InvalidOperationException($"No policy {name}");
                foreach (var roles in policy.Requirements.OfType<Microsoft.AspNetCore.Authorization.Infrastructure.RolesAuthorizationRequirement>())
                    allowed.IntersectWith(roles.AllowedRoles.Select(Enum.Parse<AdminRole>));
            }
            var refused = clients.Where(c => !allowed.Contains(c.Key)).Select(c => c.Value).ToList();
            if (refused.Count > 0) await AssertDeniedAsync(refused, [endpoint], _ => null, [HttpStatusCode.Forbidden]);
        }
    }

    [Fact]
    public async Task AnotherMembersToken_CannotReachTheirResources()
    {
        var owner = await Shop.CustomerAsync(factory);
        var other = await Shop.CustomerAsync(factory);
        var order = await Shop.OrderAsync(owner.Client, 1_000);
        // What the owner's resources are called in member routes; a new route parameter must be added here.
        var owned = new Dictionary<string, string> { ["outTradeNo"] = order };

        var statusBefore = await factory.WithDbAsync(db => db.Orders.Where(o => o.OutTradeNo == order).Select(o => o.Status).SingleAsync());
        var routed = Endpoints.Where(e => e.IsMember && e.Pattern.Parameters.Count > 0).ToList();
        Assert.NotEmpty(routed);
        foreach (var e in routed)
        {
            var missing = e.Pattern.Parameters.Select(p => p.Name).Where(n => !owned.ContainsKey(n)).ToList();
            Assert.True(missing.Count == 0, $"{e.Name}: add an owned value for {string.Join(", ", missing)}");
        }
        await AssertDeniedAsync([other.Client], routed, name => owned[name], [HttpStatusCode.NotFound, HttpStatusCode.Forbidden]);

        var status = await factory.WithDbAsync(db => db.Orders.Where(o => o.OutTradeNo == order).Select(o => o.Status).SingleAsync());
        Assert.Equal(statusBefore, status);
        Assert.NotEqual(OrderStatus.Closed, status);
    }

    [Fact]
    public async Task StoreManager_IsDeniedOnAnotherStore()
    {
        var own = await StoreAsync("OWN");
        var otherStore = await StoreAsync("OTH");
        var otherStaff = await factory.WithDbAsync(db => db.Staff.Where(s => s.StoreId == otherStore).Select(s => s.Id).FirstAsync());
        var manager = await ConsoleAccounts.SignedInClientAsync(factory, AdminRole.StoreManager, own);
        // Route parameters that name a store or something in one; a new one must be added here.
        var ofOtherStore = new Dictionary<string, string> { ["id"] = otherStore.ToString(), ["storeId"] = otherStore.ToString(), ["staffId"] = otherStaff.ToString() };

        var storeRoutes = Endpoints.Where(e => e.IsConsole && e.Route.StartsWith("/api/admin/stores/{", StringComparison.Ordinal)).ToList();
        Assert.NotEmpty(storeRoutes);
        await AssertDeniedAsync([manager], storeRoutes, name => ofOtherStore[name], [HttpStatusCode.NotFound, HttpStatusCode.Forbidden]);

        // Store filters in the query string.
        var stats = await manager.GetAsync($"/api/admin/stats/joins?from=2026-01-01&to=2026-12-31&storeId={otherStore}");
        Assert.Equal(HttpStatusCode.Forbidden, stats.StatusCode);
        var (name, staffName) = await factory.WithDbAsync(async db => (await db.Stores.Where(s => s.Id == otherStore).Select(s => s.Name).SingleAsync(),
            await db.Staff.Where(s => s.Id == otherStaff).Select(s => s.Name).SingleAsync()));
        Assert.Equal(("Store OTH", "Clerk OTH"), (name, staffName));
    }

    /// <summary>
    /// Calls each endpoint with each client (a well-formed body where it takes one, so only the caller can be what is
    /// wrong) and asserts the status is one of <paramref name="denied"/> and that no table changed.
    /// </summary>
    private async Task AssertDeniedAsync(IReadOnlyList<HttpClient> clients, IEnumerable<ApiEndpoint> endpoints, Func<string, string?> routeValue,
        HttpStatusCode[] denied)
    {
        var before = await TableRows.CountAsync(factory.DatabaseConnectionString);
        var failures = new List<string>();
        foreach (var endpoint in endpoints)
        {
            foreach (var client in clients)
            {
                using var request = new HttpRequestMessage(endpoint.HttpMethod, endpoint.Path(routeValue));
                if (endpoint.RequestType is { } type) request.Content = JsonContent.Create(EndpointCatalog.SampleBody(type));
                using var response = await client.SendAsync(request);
                var status = ConsolePageStatus(response);
                output.WriteLine($"{endpoint.Name} → {(int)status}");
                if (!denied.Contains(status)) failures.Add($"{endpoint.Name}: {(int)response.StatusCode}, expected {string.Join("/", denied)}");
            }
        }
        var changed = TableRows.Changed(before, await TableRows.CountAsync(factory.DatabaseConnectionString));
        Assert.True(failures.Count == 0 && changed.Count == 0, string.Join("\n", failures.Concat(changed.Select(c => "wrote " + c))));
    }

    /// <summary>
    /// Console pages answer a browser: a caller who is not signed in is redirected to the sign-in page, one whose role
    /// may not open the page to the forbidden page. Followed, those redirects are the pages' 401 and 403.
    /// </summary>
    private static HttpStatusCode ConsolePageStatus(HttpResponseMessage response) =>
        (response.StatusCode, response.RequestMessage?.RequestUri?.AbsolutePath) switch
        {
            (HttpStatusCode.OK, "/console/signin") => HttpStatusCode.Unauthorized,
            (HttpStatusCode.OK, "/console/forbidden") => HttpStatusCode.Forbidden,
            var (status, _) => status,
        };

    private Task<long> StoreAsync(string prefix) => factory.WithDbAsync(async db =>
    {
        var code = prefix + Guid.NewGuid().ToString("N")[..6];
        var store = new Store { Code = code, Name = "Store " + prefix, City = "上海", IsActive = true, CreatedAt = DateTime.UtcNow };
        store.Staff.Add(new Staff { Code = "C1", Name = "Clerk " + prefix, IsActive = true, CreatedAt = DateTime.UtcNow });
        db.Stores.Add(store);
        await db.SaveChangesAsync();
        return store.Id;
    });
}
