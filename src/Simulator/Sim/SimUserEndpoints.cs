using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using WechatLoyalty.Simulator.Crypto;
using WechatLoyalty.Simulator.Hosting;
using WechatLoyalty.Simulator.State;
using WechatLoyalty.Simulator.Weixin;

namespace WechatLoyalty.Simulator.Sim;

/// <summary>Simulated WeChat users and the client-side calls they make: wx.login, the phone button,
/// wx.requestSubscribeMessage, wx.getShareInfo / wx.getGroupEnterInfo, following the OA (optionally by scanning a QR).</summary>
internal static class SimUserEndpoints
{
    public static void Map(RouteGroupBuilder sim)
    {
        sim.MapPost("/users", Create);
        sim.MapGet("/users", (SimulatorState state) => { lock (state.Gate) { return Results.Ok(state.Users.Select(SimViews.User).ToArray()); } });
        sim.MapGet("/users/{id}", (string id, SimulatorState state) => WithUser(state, id, u => Results.Ok(SimViews.User(u))));
        sim.MapGet("/users/{id}/messages", (string id, SimulatorState state) => WithUser(state, id, u => Results.Ok(
            state.Messages.Where(m => m.ToUser == u.MiniOpenId || m.ToUser == u.OaOpenId).Reverse().Select(SimViews.UserMessage).ToArray())));
        sim.MapPost("/users/{id}/login", Login);
        sim.MapPost("/users/{id}/phone-code", (string id, SimulatorState state, SimulatorClock clock) =>
            WithUser(state, id, u => Results.Ok(new { code = IssueCode(state, clock, u, "phone"), expires_in = 300 })));
        sim.MapPost("/users/{id}/subscribe-consent", RequestSubscribe);
        sim.MapPost("/users/{id}/share-info", ShareInfo);
        sim.MapPost("/users/{id}/follow", (string id, SimulatorState state, SimulatorClock clock, OaPusher pusher, CancellationToken ct) =>
            Follow(id, null, state, clock, pusher, ct));
        sim.MapPost("/users/{id}/scan", (string id, ScanRequest body, SimulatorState state, SimulatorClock clock, OaPusher pusher, CancellationToken ct) =>
            Follow(id, body.Ticket, state, clock, pusher, ct));
        sim.MapPost("/users/{id}/unfollow", Unfollow);
    }

    private static IResult Create(CreateUserRequest? body, SimulatorState state, SimulatorClock clock)
    {
        var user = new SimUser
        {
            UnionId = "oSim" + SimulatorState.NewToken(18),
            MiniOpenId = "oMin" + SimulatorState.NewToken(18),
            OaOpenId = "oOfc" + SimulatorState.NewToken(18),
            Phone = body?.Phone ?? "138" + SimulatorState.Digits(8),
            CountryCode = body?.CountryCode ?? "86",
            CreatedAt = clock.GetUtcNow(),
            BlocksTemplateMessages = body?.BlocksTemplateMessages ?? false,
        };
        lock (state.Gate)
        {
            state.AddUser(user);
            return Results.Created($"/sim/users/{user.UnionId}", SimViews.User(user));
        }
    }

    /// <summary>wx.login: a fresh single-use code (5 minutes). The session_key is created on the first login and
    /// kept unless rotate_session_key is set (WeChat may rotate it on a new wx.login).</summary>
    private static IResult Login(string id, LoginRequest? body, SimulatorState state, SimulatorClock clock) => WithUser(state, id, user =>
    {
        if (user.SessionKey is null || body?.RotateSessionKey == true)
        {
            user.SessionKey = Convert.ToBase64String(RandomNumberGenerator.GetBytes(16));
        }

        return Results.Ok(new { code = IssueCode(state, clock, user, "login"), expires_in = 300 });
    });

    private static IResult RequestSubscribe(string id, SubscribeConsentRequest body, SimulatorState state, SimulatorOptions options) =>
        WithUser(state, id, user =>
        {
            if (body.Decisions is not { Count: > 0 and <= 3 })
            {
                return Results.Json(new { errMsg = "requestSubscribeMessage:fail between 1 and 3 template ids per call", errCode = 10001 }, Wx.Json, statusCode: 400);
            }

            var registered = options.MiniProgram.SubscribeTemplates;
            if (registered.Count > 0 && body.Decisions.Keys.FirstOrDefault(t => !registered.Contains(t)) is { } unknown)
            {
                return Results.Json(new { errMsg = $"requestSubscribeMessage:fail No template data return, verify the template id exist: {unknown}", errCode = 20001 }, Wx.Json, statusCode: 400);
            }

            var result = new Dictionary<string, object> { ["errMsg"] = "requestSubscribeMessage:ok" };
            foreach (var (templateId, decision) in body.Decisions)
            {
                if (user.BannedTemplates.Contains(templateId))
                {
                    result[templateId] = "ban";
                    continue;
                }

                switch (decision)
                {
                    case "accept":
                        user.Credits[templateId] = user.Credits.GetValueOrDefault(templateId) + 1;
                        break;
                    case "ban":
                        user.BannedTemplates.Add(templateId);
                        break;
                    case "reject":
                        break;
                    default:
                        return Results.Json(new { errMsg = $"requestSubscribeMessage:fail decision must be accept, reject or ban: {templateId}", errCode = 10001 }, Wx.Json, statusCode: 400);
                }

                result[templateId] = decision;
            }

            return Results.Ok(result);
        });

    /// <summary>wx.getShareInfo (openGId) or wx.getGroupEnterInfo (opengid): encryptedData + iv with the CURRENT session_key.</summary>
    private static IResult ShareInfo(string id, ShareInfoRequest body, SimulatorState state, SimulatorOptions options, SimulatorClock clock) =>
        WithUser(state, id, user =>
        {
            if (user.SessionKey is null)
            {
                return Results.Conflict(new { error = "the user has no session_key yet: call wx.login (POST /sim/users/{id}/login) first" });
            }

            var openGId = "tG" + Convert.ToBase64String(SHA256.HashData(Encoding.UTF8.GetBytes(options.MiniProgram.AppId + "|" + body.Group)))[..26]
                .Replace('+', '-').Replace('/', '_');
            var groupEnter = body.Api == "getGroupEnterInfo";
            var watermark = new { appid = options.MiniProgram.AppId, timestamp = clock.UnixSeconds };
            var json = groupEnter
                ? JsonSerializer.Serialize(new { opengid = openGId, watermark }, Wx.Json)
                : JsonSerializer.Serialize(new { openGId, watermark }, Wx.Json);
            var (encryptedData, iv) = OpenDataCrypto.Encrypt(user.SessionKey, json);
            return Results.Json(new { errMsg = (groupEnter ? "getGroupEnterInfo" : "getShareInfo") + ":ok", encryptedData, iv, sim_open_gid = openGId }, Wx.Json);
        });

    private static async Task<IResult> Follow(string id, string? ticket, SimulatorState state, SimulatorClock clock, OaPusher pusher, CancellationToken ct)
    {
        string eventName, openId, xml;
        lock (state.Gate)
        {
            var user = state.FindUser(id);
            if (user is null)
            {
                return Results.NotFound(new { error = "no such user" });
            }

            QrTicket? qr = null;
            if (ticket is not null && (!state.QrTickets.TryGetValue(ticket, out qr) || qr.ExpiresAt <= clock.GetUtcNow()))
            {
                return Results.NotFound(new { error = "no such QR ticket, or it has expired" });
            }

            if (user.Following && qr is null)
            {
                return Results.Conflict(new { error = "the user already follows the official account" });
            }

            openId = user.OaOpenId;
            if (user.Following)
            {
                eventName = "SCAN";
                xml = pusher.EventXml(openId, eventName, ("EventKey", qr!.SceneValue, true), ("Ticket", qr.Ticket, true));
            }
            else
            {
                eventName = "subscribe";
                user.Following = true;
                user.SubscribeTime = clock.GetUtcNow();
                user.SubscribeScene = qr is null ? "ADD_SCENE_SEARCH" : "ADD_SCENE_QR_CODE";
                user.QrScene = qr?.SceneStr is null ? qr?.SceneId ?? 0 : 0;
                user.QrSceneStr = qr?.SceneStr ?? "";
                xml = qr is null
                    ? pusher.EventXml(openId, eventName, ("EventKey", "", true))
                    : pusher.EventXml(openId, eventName, ("EventKey", "qrscene_" + qr.SceneValue, true), ("Ticket", qr.Ticket, true));
            }
        }

        var push = await pusher.PushAsync(eventName, openId, xml, ct);
        lock (state.Gate)
        {
            return Results.Ok(SimViews.Push(push));
        }
    }

    private static async Task<IResult> Unfollow(string id, SimulatorState state, SimulatorClock clock, OaPusher pusher, CancellationToken ct)
    {
        string openId;
        lock (state.Gate)
        {
            var user = state.FindUser(id);
            if (user is null || !user.Following)
            {
                return user is null ? Results.NotFound(new { error = "no such user" }) : Results.Conflict(new { error = "the user does not follow the official account" });
            }

            user.Following = false;
            user.SubscribeScene = null;
            user.QrScene = 0;
            user.QrSceneStr = "";
            openId = user.OaOpenId;
        }

        var push = await pusher.PushAsync("unsubscribe", openId, pusher.EventXml(openId, "unsubscribe", ("EventKey", "", true)), ct);
        lock (state.Gate)
        {
            return Results.Ok(SimViews.Push(push));
        }
    }

    private static string IssueCode(SimulatorState state, SimulatorClock clock, SimUser user, string kind)
    {
        var code = SimulatorState.NewToken(24);
        state.Codes[code] = new UserCode { Code = code, Kind = kind, User = user, IssuedAt = clock.GetUtcNow() };
        return code;
    }

    private static IResult WithUser(SimulatorState state, string id, Func<SimUser, IResult> action)
    {
        lock (state.Gate)
        {
            var user = state.FindUser(id);
            return user is null ? Results.NotFound(new { error = "no such user" }) : action(user);
        }
    }
}

internal sealed record CreateUserRequest(string? Phone, string? CountryCode, bool? BlocksTemplateMessages);

internal sealed record LoginRequest(bool? RotateSessionKey);

internal sealed record SubscribeConsentRequest(Dictionary<string, string>? Decisions);

internal sealed record ShareInfoRequest(string Group, string? Api);

internal sealed record ScanRequest(string Ticket);
