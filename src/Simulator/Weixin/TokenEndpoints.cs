using System.Text.Json.Nodes;
using WechatLoyalty.Simulator.Hosting;
using WechatLoyalty.Simulator.State;

namespace WechatLoyalty.Simulator.Weixin;

/// <summary>POST /cgi-bin/stable_token (getStableAccessToken) and legacy GET /cgi-bin/token.</summary>
internal static class TokenEndpoints
{
    private static readonly TimeSpan Lifetime = TimeSpan.FromSeconds(7200);
    private static readonly TimeSpan RenewBefore = TimeSpan.FromMinutes(5);

    public static void Map(RouteGroupBuilder wx)
    {
        wx.MapPost("/cgi-bin/stable_token", StableToken);
        wx.MapGet("/cgi-bin/token", LegacyToken);
    }

    private static async Task<IResult> StableToken(HttpContext http, SimulatorState state, SimulatorOptions options,
        SimulatorClock clock, QuotaTracker quotas)
    {
        var body = await Wx.ReadObjectAsync(http.Request);
        if (body is null)
        {
            return Wx.FormatError();
        }

        var credentialError = CheckCredentials(options, Wx.Str(body, "grant_type"), Wx.Str(body, "appid"), Wx.Str(body, "secret"));
        if (credentialError is not null)
        {
            return credentialError;
        }

        var appId = Wx.Str(body, "appid")!;
        var force = body["force_refresh"] is JsonValue f && f.TryGetValue<bool>(out var forced) && forced;
        if (!quotas.TryConsumeDaily("stable_token", honourKnob: false))
        {
            return Wx.QuotaReached();
        }

        var now = clock.GetUtcNow();
        lock (state.Gate)
        {
            if (force)
            {
                if (state.LastForceRefresh.TryGetValue(appId, out var last) && now - last < TimeSpan.FromSeconds(30))
                {
                    return Wx.Error(45011, "api minute-quota reach limit, force refresh at most once per 30 seconds");
                }

                if (!quotas.TryConsumeDaily("stable_token_force", honourKnob: false))
                {
                    return Wx.QuotaReached();
                }

                state.LastForceRefresh[appId] = now;
                foreach (var old in state.Tokens.Where(t => t.AppId == appId && t.Kind == "stable"))
                {
                    old.Invalidated = true;
                }
            }
            else
            {
                var current = state.Tokens.LastOrDefault(t => t.AppId == appId && t.Kind == "stable" && !t.Invalidated && t.ExpiresAt > now);
                if (current is not null && current.ExpiresAt - now > RenewBefore)
                {
                    return Issued(current, now);
                }
            }

            return Issued(Issue(state, appId, "stable", now, force), now);
        }
    }

    private static IResult LegacyToken(HttpContext http, SimulatorState state, SimulatorOptions options, SimulatorClock clock, QuotaTracker quotas)
    {
        var q = http.Request.Query;
        var credentialError = CheckCredentials(options, q["grant_type"], q["appid"], q["secret"]);
        if (credentialError is not null)
        {
            return credentialError;
        }

        if (!quotas.TryConsumeDaily("token", honourKnob: false))
        {
            return Wx.QuotaReached();
        }

        var appId = q["appid"].ToString();
        var now = clock.GetUtcNow();
        lock (state.Gate)
        {
            // Each call issues a new token; the previous one keeps working for about 5 more minutes.
            foreach (var old in state.Tokens.Where(t => t.AppId == appId && t.Kind == "legacy" && t.ExpiresAt > now + RenewBefore))
            {
                old.ExpiresAt = now + RenewBefore;
            }

            return Issued(Issue(state, appId, "legacy", now, forced: false), now);
        }
    }

    private static IResult? CheckCredentials(SimulatorOptions options, string? grantType, string? appId, string? secret)
    {
        if (grantType != "client_credential")
        {
            return Wx.Error(40002, "invalid grant_type");
        }

        var expectedSecret = appId == options.MiniProgram.AppId ? options.MiniProgram.AppSecret
            : appId == options.OfficialAccount.AppId ? options.OfficialAccount.AppSecret
            : null;
        if (expectedSecret is null)
        {
            return Wx.Error(40013, "invalid appid");
        }

        return secret == expectedSecret ? null : Wx.Error(40125, "invalid appsecret");
    }

    private static AccessTokenRecord Issue(SimulatorState state, string appId, string kind, DateTimeOffset now, bool forced)
    {
        var record = new AccessTokenRecord
        {
            Token = "SIM_" + SimulatorState.NewToken(96),
            AppId = appId,
            Kind = kind,
            IssuedAt = now,
            ExpiresAt = now + Lifetime,
            Forced = forced,
        };
        state.Tokens.Add(record);
        state.TokensByValue[record.Token] = record;
        return record;
    }

    private static IResult Issued(AccessTokenRecord record, DateTimeOffset now) =>
        Wx.Ok(new { access_token = record.Token, expires_in = (int)(record.ExpiresAt - now).TotalSeconds });
}
