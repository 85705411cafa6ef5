using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using WechatLoyalty.Api.Infrastructure.Auth;
using WechatLoyalty.Api.Tests.Infrastructure;
using WechatLoyalty.Api.Tests.Payments;
using WechatLoyalty.Api.Tests.Points;

namespace WechatLoyalty.Api.Tests.Members;

/// <summary>
/// The member token's lifetime is judged by the injected clock that issued it, so a token stamped by the
/// programme's clock expires by that clock (tests that move time, and any host whose clock is injected).
/// </summary>
public class MemberTokenClockTests(PointsFactory factory) : IClassFixture<PointsFactory>
{
    [Fact]
    public async Task AccessToken_ExpiresByTheInjectedClock_AndRefreshIssuesOneThatWorks()
    {
        var customer = await Shop.CustomerAsync(factory);
        Assert.Equal(HttpStatusCode.OK, (await customer.Client.GetAsync("/api/members/me")).StatusCode);

        // 15 minutes of lifetime + 30 s of skew: still valid just inside it, refused just past it.
        factory.Time.Advance(TimeSpan.FromMinutes(15) + TimeSpan.FromSeconds(29));
        Assert.Equal(HttpStatusCode.OK, (await customer.Client.GetAsync("/api/members/me")).StatusCode);
        factory.Time.Advance(TimeSpan.FromSeconds(2));
        Assert.Equal(HttpStatusCode.Unauthorized, (await customer.Client.GetAsync("/api/members/me")).StatusCode);

        using var anonymous = factory.CreateClient();
        var refreshed = await anonymous.PostAsJsonAsync("/api/mp/token/refresh", new { customer.Session.RefreshToken });
        Assert.Equal(HttpStatusCode.OK, refreshed.StatusCode);
        var access = (await refreshed.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("accessToken").GetString();
        using var renewed = factory.CreateClient();
        renewed.DefaultRequestHeaders.Authorization = new("Bearer", access);
        Assert.Equal(HttpStatusCode.OK, (await renewed.GetAsync("/api/members/me")).StatusCode);
    }

    [Theory]
    [InlineData(-31, false)] // before notBefore beyond the skew
    [InlineData(-29, true)]
    [InlineData(0, true)]
    [InlineData(929, true)] // 15 min + 29 s
    [InlineData(931, false)]
    public void Lifetime_IsNotBeforeToExpiry_WidenedByTheSkew(int secondsAfterIssue, bool valid)
    {
        var issued = new DateTime(2026, 2, 28, 15, 59, 50, DateTimeKind.Utc);
        Assert.Equal(valid, MemberTokens.IsWithinLifetime(issued, issued.AddMinutes(15), issued.AddSeconds(secondsAfterIssue)));
    }

    [Fact]
    public void Lifetime_RefusesATokenWithoutExpiry() =>
        Assert.False(MemberTokens.IsWithinLifetime(null, null, DateTime.UtcNow));
}
