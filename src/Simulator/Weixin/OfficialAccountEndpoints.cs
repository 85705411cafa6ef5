using System.Text.Json.Nodes;
using WechatLoyalty.Simulator.Hosting;
using WechatLoyalty.Simulator.State;

namespace WechatLoyalty.Simulator.Weixin;

/// <summary>OA parametric QR codes (create + showqrcode) and user info.</summary>
internal static class OfficialAccountEndpoints
{
    private const int MaxExpireSeconds = 2_592_000;

    public static void Map(RouteGroupBuilder wx)
    {
        wx.MapPost("/cgi-bin/qrcode/create", CreateQrCode);
        wx.MapGet("/cgi-bin/showqrcode", ShowQrCode);
        wx.MapGet("/cgi-bin/user/info", UserInfo);
    }

    // https://developers.weixin.qq.com/doc/service/api/qrcode/qrcodes/api_createqrcode.html
    private static async Task<IResult> CreateQrCode(HttpContext http, SimulatorState state, SimulatorOptions options,
        SimulatorClock clock, QuotaTracker quotas)
    {
        if (Wx.CheckToken(http, options.OfficialAccount.AppId) is { } tokenError)
        {
            return tokenError;
        }

        var body = await Wx.ReadObjectAsync(http.Request);
        if (body is null)
        {
            return Wx.FormatError();
        }

        var action = Wx.Str(body, "action_name");
        if (action is not ("QR_SCENE" or "QR_STR_SCENE" or "QR_LIMIT_SCENE" or "QR_LIMIT_STR_SCENE"))
        {
            return Wx.Error(40052, "invalid action name");
        }

        // A scene outside action_info.scene is silently read as 0: the real "qrscene_0" pitfall.
        var scene = (body["action_info"] as JsonObject)?["scene"] as JsonObject;
        long sceneId = 0;
        string? sceneStr = null;
        if (action.Contains("STR", StringComparison.Ordinal))
        {
            sceneStr = scene is null ? null : Wx.Str(scene, "scene_str");
            if (string.IsNullOrEmpty(sceneStr) || sceneStr.Length > 64)
            {
                return Wx.Error(40097, "invalid args: scene_str must be 1-64 characters");
            }
        }
        else
        {
            if (scene?["scene_id"] is JsonValue id && !id.TryGetValue(out sceneId))
            {
                return Wx.Error(40097, "invalid args: scene_id");
            }

            if (action == "QR_LIMIT_SCENE" && sceneId is < 0 or > 100_000 || sceneId is < int.MinValue or > uint.MaxValue)
            {
                return Wx.Error(40097, "invalid args: scene_id out of range");
            }
        }

        var permanent = action.StartsWith("QR_LIMIT", StringComparison.Ordinal);
        var expireSeconds = 30;
        if (!permanent && body["expire_seconds"] is JsonValue e)
        {
            if (!e.TryGetValue(out expireSeconds) || expireSeconds <= 0)
            {
                return Wx.Error(40097, "invalid args: expire_seconds");
            }

            expireSeconds = Math.Min(expireSeconds, MaxExpireSeconds);
        }

        if (!quotas.TryConsumeDaily("qrcode_create"))
        {
            return Wx.QuotaReached();
        }

        var now = clock.GetUtcNow();
        var ticket = new QrTicket
        {
            Ticket = "gQ" + SimulatorState.NewToken(48),
            ActionName = action,
            SceneId = sceneId,
            SceneStr = sceneStr,
            Url = "http://weixin.qq.com/q/" + SimulatorState.NewToken(18),
            CreatedAt = now,
            ExpiresAt = permanent ? null : now.AddSeconds(expireSeconds),
        };
        lock (state.Gate)
        {
            state.QrTickets[ticket.Ticket] = ticket;
        }

        return permanent
            ? Wx.Ok(new { ticket = ticket.Ticket, url = ticket.Url })
            : Wx.Ok(new { ticket = ticket.Ticket, expire_seconds = expireSeconds, url = ticket.Url });
    }

    /// <summary>mp.weixin.qq.com/cgi-bin/showqrcode: no token, the PNG of the ticket's url.</summary>
    private static IResult ShowQrCode(string? ticket, SimulatorState state, SimulatorClock clock)
    {
        QrTicket? found;
        lock (state.Gate)
        {
            found = ticket is null ? null : state.QrTickets.GetValueOrDefault(ticket);
        }

        return found is null || found.ExpiresAt <= clock.GetUtcNow()
            ? Results.NotFound()
            : Results.File(MiniProgramEndpoints.RenderPng(found.Url, 430), "image/png");
    }

    // https://developers.weixin.qq.com/doc/service/api/usermanage/userinfo/api_userinfo.html
    private static IResult UserInfo(HttpContext http, string? openid, SimulatorState state, SimulatorOptions options, QuotaTracker quotas)
    {
        if (Wx.CheckToken(http, options.OfficialAccount.AppId) is { } tokenError)
        {
            return tokenError;
        }

        if (!quotas.TryConsumeDaily("user_info"))
        {
            return Wx.QuotaReached();
        }

        lock (state.Gate)
        {
            var user = openid is null ? null : state.FindUser(openid);
            if (user is null || user.OaOpenId != openid)
            {
                return Wx.Error(40003, "invalid openid");
            }

            if (!user.Following)
            {
                return Wx.Ok(new { subscribe = 0, openid = user.OaOpenId, unionid = user.UnionId });
            }

            return Wx.Ok(new
            {
                subscribe = 1,
                openid = user.OaOpenId,
                language = "zh_CN",
                subscribe_time = user.SubscribeTime?.ToUnixTimeSeconds() ?? 0,
                unionid = user.UnionId,
                remark = "",
                groupid = 0,
                tagid_list = Array.Empty<int>(),
                subscribe_scene = user.SubscribeScene ?? "ADD_SCENE_SEARCH",
                qr_scene = user.QrScene,
                qr_scene_str = user.QrSceneStr,
            });
        }
    }
}
