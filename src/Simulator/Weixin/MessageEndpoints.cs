using System.Globalization;
using System.Text.Json.Nodes;
using WechatLoyalty.Simulator.Hosting;
using WechatLoyalty.Simulator.State;

namespace WechatLoyalty.Simulator.Weixin;

/// <summary>Mini-program subscribe messages (consent credits, 43101) and OA template messages (followers only, 43004).</summary>
internal static class MessageEndpoints
{
    private static readonly TimeSpan ClientMsgIdWindow = TimeSpan.FromMinutes(10);

    public static void Map(RouteGroupBuilder wx)
    {
        wx.MapPost("/cgi-bin/message/subscribe/send", SendSubscribe);
        wx.MapPost("/cgi-bin/message/template/send", SendTemplate);
    }

    // https://developers.weixin.qq.com/miniprogram/dev/OpenApiDoc/mp-message-management/subscribe-message/sendMessage.html
    private static async Task<IResult> SendSubscribe(HttpContext http, SimulatorState state, SimulatorOptions options,
        SimulatorClock clock, QuotaTracker quotas)
    {
        if (Wx.CheckToken(http, options.MiniProgram.AppId) is { } tokenError)
        {
            return tokenError;
        }

        var body = await Wx.ReadObjectAsync(http.Request);
        if (body is null)
        {
            return Wx.FormatError();
        }

        var toUser = Wx.Str(body, "touser") ?? "";
        var templateId = Wx.Str(body, "template_id") ?? "";
        var miniprogramState = Wx.Str(body, "miniprogram_state");
        lock (state.Gate)
        {
            var message = Record(state, clock, "subscribe", options.MiniProgram.AppId, toUser, templateId, body, null);
            var user = state.FindUser(toUser);
            if (user is null || user.MiniOpenId != toUser)
            {
                return Fail(message, 40003, "invalid openid");
            }

            if (templateId.Length == 0 || (options.MiniProgram.SubscribeTemplates.Count > 0 && !options.MiniProgram.SubscribeTemplates.Contains(templateId)))
            {
                return Fail(message, 40037, "invalid template_id");
            }

            if (miniprogramState is not (null or "developer" or "trial" or "formal"))
            {
                return Fail(message, 47003, "argument invalid! miniprogram_state");
            }

            var page = Wx.Str(body, "page");
            if (page is not null && (page.StartsWith('/') || (options.MiniProgram.Pages.Count > 0 && !options.MiniProgram.Pages.Contains(page.Split('?')[0]))))
            {
                return Fail(message, 41030, "invalid page");
            }

            if (TemplateDataRules.ValidateSubscribe(body["data"]) is { } dataError)
            {
                return Fail(message, 47003, dataError);
            }

            if (!quotas.TryConsumeDaily("subscribe_send"))
            {
                return Fail(message, 45009, "reach max api daily quota limit");
            }

            if (user.Credits.GetValueOrDefault(templateId) <= 0)
            {
                return Fail(message, 43101, "user refuse to accept the msg");
            }

            user.Credits[templateId]--;
            message.MsgId = state.NextId() * 1000 + 1;
            return Wx.Ok(new { errcode = 0, errmsg = "ok", msgid = message.MsgId });
        }
    }

    // https://developers.weixin.qq.com/doc/service/api/notify/template/api_sendtemplatemessage.html
    private static async Task<IResult> SendTemplate(HttpContext http, SimulatorState state, SimulatorOptions options,
        SimulatorClock clock, QuotaTracker quotas, OaPusher pusher, IHostApplicationLifetime lifetime)
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

        var toUser = Wx.Str(body, "touser") ?? "";
        var templateId = Wx.Str(body, "template_id") ?? "";
        var clientMsgId = Wx.Str(body, "client_msg_id");
        SentMessage message;
        string status;
        lock (state.Gate)
        {
            var dedupKey = toUser + "|" + clientMsgId;
            if (clientMsgId is not null && state.TemplateByClientMsgId.TryGetValue(dedupKey, out var earlier)
                && clock.GetUtcNow() - earlier.At < ClientMsgIdWindow)
            {
                return Wx.Ok(new { errcode = 0, errmsg = "ok", msgid = earlier.MsgId });
            }

            message = Record(state, clock, "template", options.OfficialAccount.AppId, toUser, templateId, body, clientMsgId);
            var user = state.FindUser(toUser);
            if (user is null || user.OaOpenId != toUser)
            {
                return Fail(message, 40003, "invalid openid");
            }

            if (templateId.Length == 0 || (options.OfficialAccount.Templates.Count > 0 && !options.OfficialAccount.Templates.Contains(templateId)))
            {
                return Fail(message, 40037, "invalid template_id");
            }

            if (!user.Following)
            {
                return Fail(message, 43004, "require subscribe");
            }

            if (body["miniprogram"] is JsonObject mini && Wx.Str(mini, "appid") != options.MiniProgram.AppId)
            {
                return Fail(message, 40013, "invalid appid: miniprogram.appid is not linked to this official account");
            }

            if (TemplateDataRules.ValidateTemplate(body["data"]) is { } dataError)
            {
                return Fail(message, 47003, dataError);
            }

            if (!quotas.TryConsumeDaily("template_send"))
            {
                return Fail(message, 45009, "reach max api daily quota limit");
            }

            message.MsgId = state.NextId() * 1000 + 2;
            status = user.BlocksTemplateMessages ? "failed:user block" : "success";
            message.JobStatus = status;
            if (clientMsgId is not null)
            {
                state.TemplateByClientMsgId[dedupKey] = message;
            }
        }

        _ = DeliverJobFinishAsync(pusher, options, message, status, lifetime.ApplicationStopping);
        return Wx.Ok(new { errcode = 0, errmsg = "ok", msgid = message.MsgId });
    }

    private static async Task DeliverJobFinishAsync(OaPusher pusher, SimulatorOptions options, SentMessage message, string status,
        CancellationToken stopping)
    {
        try
        {
            await Task.Delay(TimeSpan.FromSeconds(options.NotificationTimeScale), stopping);
            var xml = pusher.EventXml(message.ToUser, "TEMPLATESENDJOBFINISH",
                ("MsgID", message.MsgId!.Value.ToString(CultureInfo.InvariantCulture), false), ("Status", status, true));
            await pusher.PushAsync("TEMPLATESENDJOBFINISH", message.ToUser, xml, stopping);
        }
        catch (OperationCanceledException) when (stopping.IsCancellationRequested)
        {
            // Shutting down: WeChat would simply never tell us.
        }
    }

    private static SentMessage Record(SimulatorState state, SimulatorClock clock, string kind, string appId, string toUser, string templateId,
        JsonObject body, string? clientMsgId)
    {
        var message = new SentMessage
        {
            Id = state.NextId(), Kind = kind, AppId = appId, ToUser = toUser, TemplateId = templateId,
            Body = body.ToJsonString(Wx.Json), At = clock.GetUtcNow(), ClientMsgId = clientMsgId,
        };
        state.Messages.Add(message);
        return message;
    }

    private static IResult Fail(SentMessage message, int errcode, string errmsg)
    {
        message.ErrCode = errcode;
        message.ErrMsg = errmsg;
        return Wx.Error(errcode, errmsg);
    }
}
