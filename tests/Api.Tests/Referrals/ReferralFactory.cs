using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.AspNetCore.Authentication.JwtBearer;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.TestHost;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using WechatLoyalty.Api.Infrastructure.Auth;
using WechatLoyalty.Api.Tests.Infrastructure;
using WechatLoyalty.Api.Tests.Payments;
using WechatLoyalty.Domain.Referrals;
using WechatLoyalty.Jobs.Referrals;

namespace WechatLoyalty.Api.Tests.Referrals;

/// <summary>
/// Preset mall (7-day return window, 100 welcome points, 300 for the referrer) with a clock the tests move. The
/// simulator's clock moves with it (payment times, notification timestamps), and member tokens are checked on it,
/// so a test can live through the return window over real HTTP.
/// </summary>
public sealed class ReferralFactory : LoyaltyApiFactory
{
    public FakeTimeProvider Time { get; } = new(DateTimeOffset.UtcNow);

    protected override IEnumerable<KeyValuePair<string, string?>> Settings => [new("Programme:Preset", "mall")];

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        base.ConfigureWebHost(builder);
        builder.ConfigureTestServices(services =>
        {
            services.AddSingleton<TimeProvider>(Time);
            services.PostConfigure<JwtBearerOptions>(AuthSchemes.Member, o => o.TokenValidationParameters.LifetimeValidator = (notBefore, expires, _, _) =>
            {
                var now = Time.GetUtcNow().UtcDateTime;
                return (notBefore is null || notBefore <= now.AddSeconds(30)) && (expires is null || expires > now.AddSeconds(-30));
            });
        });
    }

    /// <summary>Moves our clock and WeChat's together.</summary>
    public async Task AdvanceAsync(TimeSpan by)
    {
        Time.Advance(by);
        using var sim = new HttpClient { BaseAddress = Simulator.BaseUri };
        (await sim.PostAsJsonAsync("/sim/clock/advance", new { seconds = (long)by.TotalSeconds })).EnsureSuccessStatusCode();
    }
}

public sealed record ShareInfo(string EncryptedData, string Iv, string OpenGid);

/// <summary>What the mini-program, WeChat and the jobs do in the referral tests.</summary>
internal static class ReferralSteps
{
    public static async Task<(Customer Referrer, string Code)> ReferrerAsync(LoyaltyApiFactory factory)
    {
        var referrer = await Shop.CustomerAsync(factory);
        var card = await referrer.Client.GetFromJsonAsync<JsonElement>("/api/members/me/referral-card");
        return (referrer, card.GetProperty("code").GetString()!);
    }

    /// <summary>A WeChat user who logged in to the mini-program but has not joined.</summary>
    public static async Task<(WechatUser User, MemberSession Session)> FriendAsync(LoyaltyApiFactory factory)
    {
        var user = await WechatUsers.CreateAsync(factory);
        return (user, await WechatUsers.LoginAsync(factory, user));
    }

    /// <summary>wx.getShareInfo in the simulator: the group's share info, encrypted with the user's current session_key.</summary>
    public static async Task<ShareInfo> ShareInfoAsync(LoyaltyApiFactory factory, WechatUser user, string group)
    {
        using var sim = new HttpClient { BaseAddress = factory.Simulator.BaseUri };
        var response = await sim.PostAsJsonAsync($"/sim/users/{user.UnionId}/share-info", new { group });
        response.EnsureSuccessStatusCode();
        var body = await response.Content.ReadFromJsonAsync<JsonElement>();
        return new ShareInfo(body.GetProperty("encryptedData").GetString()!, body.GetProperty("iv").GetString()!, body.GetProperty("sim_open_gid").GetString()!);
    }

    public static Task<HttpResponseMessage> OpenAsync(HttpClient client, string code, int? scene = 1008, ShareInfo? share = null) =>
        client.PostAsJsonAsync("/api/referrals/opens", new { code, scene, encryptedData = share?.EncryptedData, iv = share?.Iv });

    /// <summary>Registration from the share card's path (?ref=code).</summary>
    public static async Task<long> JoinAsync(LoyaltyApiFactory factory, WechatUser user, HttpClient client, string code)
    {
        var response = await client.PostAsJsonAsync("/api/members", new { termsVersion = "2026-01", privacyVersion = "2026-01", referralCode = code, nickname = "小红" });
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        return await factory.WithDbAsync(db => db.Members.Where(m => m.UnionId == user.UnionId).Select(m => m.Id).SingleAsync());
    }

    /// <summary>Runs the Hangfire job's method as the worker would (a scope of the API's own services).</summary>
    public static async Task ReleaseAsync(LoyaltyApiFactory factory)
    {
        await using var scope = factory.Services.CreateAsyncScope();
        await scope.ServiceProvider.GetRequiredService<ReferralJobs>().ReleaseRewardsAsync(CancellationToken.None);
    }

    public static Task<Referral?> ReferralOfAsync(LoyaltyApiFactory factory, long refereeMemberId) =>
        factory.WithDbAsync(db => db.Referrals.AsNoTracking().SingleOrDefaultAsync(r => r.RefereeMemberId == refereeMemberId));

    public static Task<List<ReferralRefusal>> RefusalsAsync(LoyaltyApiFactory factory, long refereeMemberId) =>
        factory.WithDbAsync(db => db.ReferralRefusals.AsNoTracking().Where(r => r.RefereeMemberId == refereeMemberId).ToListAsync());

    public static Task<bool> HasEntryAsync(LoyaltyApiFactory factory, string key) =>
        factory.WithDbAsync(db => db.PointEntries.AnyAsync(e => e.IdempotencyKey == key));

    /// <summary>Decodes every barcode in a PNG with zbar (Debian's zbar-tools, installed by test.sh).</summary>
    public static async Task<string> DecodeQrAsync(byte[] png)
    {
        var file = Path.Combine(Path.GetTempPath(), $"wl-poster-{Guid.NewGuid():N}.png");
        await File.WriteAllBytesAsync(file, png);
        try
        {
            using var zbar = Process.Start(new ProcessStartInfo("zbarimg", ["--raw", "-q", file]) { RedirectStandardOutput = true, RedirectStandardError = true })
                ?? throw new InvalidOperationException("zbarimg did not start");
            var output = await zbar.StandardOutput.ReadToEndAsync();
            await zbar.WaitForExitAsync();
            Assert.True(zbar.ExitCode == 0, $"zbarimg found no code (exit {zbar.ExitCode}): {await zbar.StandardError.ReadToEndAsync()}");
            return output.Trim();
        }
        finally
        {
            File.Delete(file);
        }
    }
}
