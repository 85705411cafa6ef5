using WechatLoyalty.Simulator.State;

namespace WechatLoyalty.Simulator.Sim;

/// <summary>JSON projections for the /sim API and the inspection page. Call under SimulatorState.Gate.</summary>
internal static class SimViews
{
    public static object User(SimUser u) => new
    {
        unionid = u.UnionId,
        mini_openid = u.MiniOpenId,
        oa_openid = u.OaOpenId,
        phone = u.Phone,
        following = u.Following,
        subscribe_scene = u.SubscribeScene,
        qr_scene_str = u.QrSceneStr,
        has_session = u.SessionKey is not null,
        blocks_template_messages = u.BlocksTemplateMessages,
        credits = new Dictionary<string, int>(u.Credits),
        banned_templates = u.BannedTemplates.ToArray(),
        created_at = u.CreatedAt,
    };

    public static object Attempt(DeliveryAttempt a) => new
    {
        number = a.Number, at = a.At, http_status = a.HttpStatus, error = a.Error, duration_ms = Math.Round(a.DurationMs, 1), duplicate = a.Duplicate,
    };

    public static object Push(OaPush p) => new
    {
        id = p.Id, @event = p.Event, openid = p.OpenId, url = p.Url, at = p.At, status = p.Status, xml = p.Xml,
        reply = p.Reply, reply_error = p.ReplyError, attempts = p.Attempts.Select(Attempt).ToArray(),
    };

    public static object Message(SentMessage m) => new
    {
        id = m.Id, kind = m.Kind, appid = m.AppId, touser = m.ToUser, template_id = m.TemplateId, at = m.At, errcode = m.ErrCode,
        errmsg = m.ErrMsg, msgid = m.MsgId, client_msg_id = m.ClientMsgId, job_status = m.JobStatus, body = m.Body,
    };

    /// <summary>A message as the user's WeChat shows it: the service notice (subscribe) or the OA's template message,
    /// its fields and page, and whether it arrived (errcode 0) or what WeChat answered instead.</summary>
    public static object UserMessage(SentMessage m)
    {
        var body = System.Text.Json.Nodes.JsonNode.Parse(m.Body) as System.Text.Json.Nodes.JsonObject;
        var fields = (body?["data"] as System.Text.Json.Nodes.JsonObject)?
            .Select(f => new { key = f.Key, value = f.Value?["value"]?.ToString() }).ToArray() ?? [];
        var page = body?["page"]?.ToString() ?? body?["miniprogram"]?["pagepath"]?.ToString();
        return new
        {
            id = m.Id, at = m.At, channel = m.Kind == "template" ? "official_account" : "mini_program", template_id = m.TemplateId,
            delivered = m.ErrCode == 0 && m.JobStatus is null or "success", errcode = m.ErrCode, errmsg = m.ErrMsg, msgid = m.MsgId,
            job_status = m.JobStatus, page, fields,
        };
    }

    public static object Notification(PayNotification n) => new
    {
        id = n.Id, event_type = n.EventType, notify_url = n.NotifyUrl, business_key = n.BusinessKey, created_at = n.CreatedAt,
        status = n.Status, resource = n.ResourcePlaintext, body = n.Body, attempts = n.Attempts.Select(Attempt).ToArray(),
    };

    public static object Order(PayOrder o) => new
    {
        out_trade_no = o.OutTradeNo, appid = o.AppId, description = o.Description, total = o.Total, payer_total = o.PayerTotal,
        payer_openid = o.PayerOpenId, trade_type = o.TradeType, trade_state = o.TradeState, prepay_id = o.PrepayId,
        transaction_id = o.TransactionId, notify_url = o.NotifyUrl, created_at = o.CreatedAt, success_time = o.SuccessTime,
        refunded = o.Refunds.Where(r => r.Status != "CLOSED").Sum(r => r.Refund),
    };

    public static object Refund(PayRefund r) => new
    {
        out_refund_no = r.OutRefundNo, refund_id = r.RefundId, out_trade_no = r.Order.OutTradeNo, refund = r.Refund,
        payer_refund = r.PayerRefund, status = r.Status, created_at = r.CreatedAt, success_time = r.SuccessTime, notify_url = r.NotifyUrl,
    };

    public static object Token(AccessTokenRecord t, DateTimeOffset now) => new
    {
        appid = t.AppId, kind = t.Kind, token_prefix = t.Token[..Math.Min(12, t.Token.Length)] + "…", issued_at = t.IssuedAt,
        expires_at = t.ExpiresAt, invalidated = t.Invalidated, expired = t.ExpiresAt <= now, forced = t.Forced,
    };
}
