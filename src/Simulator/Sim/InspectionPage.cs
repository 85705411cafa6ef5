using System.Globalization;
using System.Net;
using System.Text;
using WechatLoyalty.Simulator.Hosting;
using WechatLoyalty.Simulator.State;

namespace WechatLoyalty.Simulator.Sim;

/// <summary>A plain HTML view of what WeChat would have seen (GET / and GET /sim). Refreshes every 5 seconds.</summary>
internal static class InspectionPage
{
    public static IResult Render(SimulatorState state, SimulatorOptions options, Faults faults, SimulatorClock clock, SimulatorKeys keys)
    {
        var html = new StringBuilder();
        html.Append("<!doctype html><html><head><meta charset=\"utf-8\"><meta http-equiv=\"refresh\" content=\"5\"><title>WeChat simulator</title>")
            .Append("<style>body{font-family:sans-serif;margin:1.5em}table{border-collapse:collapse;margin-bottom:1.5em;font-size:13px}")
            .Append("td,th{border:1px solid #ccc;padding:3px 6px;vertical-align:top;text-align:left}code{font-size:12px}.bad{color:#b00}.ok{color:#070}</style></head><body>")
            .Append("<h1>WeChat simulator</h1><p>");
        Line(html, $"Now {clock.GetUtcNow():u} (offset {clock.Offset}). Mini-program {options.MiniProgram.AppId}, OA {options.OfficialAccount.AppId} " +
            $"→ {options.OfficialAccount.ServerUrl} ({(options.OfficialAccount.SafeMode ? "safe mode" : "plain")}), mchid {options.Pay.MchId}, " +
            $"merchant serial {keys.MerchantSerialNumber}, {keys.PublicKeyId}. Faults: {faults.Current}. Time scale {options.NotificationTimeScale}.");
        html.Append("</p><p><button onclick=\"fetch('/sim/users',{method:'POST',headers:{'Content-Type':'application/json'},body:'{}'}).then(()=>location.reload())\">Create user</button> ")
            .Append("<button onclick=\"fetch('/sim/reset',{method:'POST'}).then(()=>location.reload())\">Reset</button> JSON: ")
            .Append(string.Join(" ", new[] { "users", "messages", "oa-pushes", "notifications", "orders", "refunds", "tokens", "faults", "keys" }
                .Select(p => $"<a href=\"/sim/{p}\">{p}</a>"))).Append("</p>");

        lock (state.Gate)
        {
            Table(html, "Users", ["unionid", "mini openid", "OA openid", "phone", "following", "scene", "credits"], state.Users.Select(u => new[]
            {
                u.UnionId, u.MiniOpenId, u.OaOpenId, u.Phone, u.Following ? "yes" : "no", u.QrSceneStr,
                string.Join(", ", u.Credits.Select(c => $"{c.Key}={c.Value}")),
            }));
            // Who each openid is, so a message reads as "to this user" (their JSON list: /sim/users/{unionid}/messages).
            Table(html, "Messages sent", ["at", "kind", "to (unionid)", "template", "result", "msgid", "job", "content", "body"], state.Messages.AsEnumerable().Reverse().Take(100).Select(m => new[]
            {
                Time(m.At), m.Kind, $"{m.ToUser} ({state.FindUser(m.ToUser)?.UnionId ?? "unknown"})", m.TemplateId, $"{m.ErrCode} {m.ErrMsg}",
                m.MsgId?.ToString(CultureInfo.InvariantCulture) ?? "", m.JobStatus ?? "", Content(m.Body), m.Body,
            }));
            Table(html, "OA pushes", ["at", "event", "openid", "status", "attempts", "reply"], state.OaPushes.AsEnumerable().Reverse().Take(100).Select(p => new[]
            {
                Time(p.At), p.Event, p.OpenId, p.Status, Attempts(p.Attempts), p.ReplyError ?? p.Reply ?? "",
            }));
            Table(html, "Pay notifications", ["created", "event", "key", "url", "status", "attempts"], state.Notifications.AsEnumerable().Reverse().Take(100).Select(n => new[]
            {
                Time(n.CreatedAt), n.EventType, n.BusinessKey, n.NotifyUrl, n.Status, Attempts(n.Attempts),
            }));
            Table(html, "Orders", ["out_trade_no", "state", "total", "payer_total", "transaction_id", "type", "refunds"], state.Orders.Values.Reverse().Take(100).Select(o => new[]
            {
                o.OutTradeNo, o.TradeState, o.Total.ToString(CultureInfo.InvariantCulture), o.PayerTotal.ToString(CultureInfo.InvariantCulture),
                o.TransactionId ?? "", o.TradeType, string.Join(", ", o.Refunds.Select(r => $"{r.OutRefundNo}:{r.Refund}:{r.Status}")),
            }));
            Table(html, "Access tokens", ["issued", "appid", "kind", "expires", "state"], state.Tokens.AsEnumerable().Reverse().Take(50).Select(t => new[]
            {
                Time(t.IssuedAt), t.AppId, t.Kind, Time(t.ExpiresAt), t.Invalidated ? "invalidated" : t.ExpiresAt <= clock.GetUtcNow() ? "expired" : "valid",
            }));
        }

        return Results.Content(html.Append("</body></html>").ToString(), "text/html; charset=utf-8");
    }

    /// <summary>The message's field values, one per line, as the notice would read.</summary>
    private static string Content(string body)
    {
        try
        {
            return System.Text.Json.Nodes.JsonNode.Parse(body)?["data"] is System.Text.Json.Nodes.JsonObject data
                ? string.Join(" | ", data.Select(f => $"{f.Key}: {f.Value?["value"]}"))
                : "";
        }
        catch (System.Text.Json.JsonException)
        {
            return "";
        }
    }

    private static string Time(DateTimeOffset t) => t.ToString("HH:mm:ss.fff", CultureInfo.InvariantCulture);

    private static string Attempts(List<DeliveryAttempt> attempts) => string.Join("; ", attempts.Select(a =>
        $"#{a.Number}{(a.Duplicate ? " dup" : "")} {Time(a.At)} {(a.HttpStatus?.ToString(CultureInfo.InvariantCulture) ?? a.Error ?? "…")} {a.DurationMs:0}ms"));

    private static void Line(StringBuilder html, string text) => html.Append(WebUtility.HtmlEncode(text));

    private static void Table(StringBuilder html, string title, string[] headers, IEnumerable<string[]> rows)
    {
        html.Append("<h2>").Append(WebUtility.HtmlEncode(title)).Append("</h2><table><tr>");
        foreach (var header in headers)
        {
            html.Append("<th>").Append(WebUtility.HtmlEncode(header)).Append("</th>");
        }

        html.Append("</tr>");
        foreach (var row in rows)
        {
            html.Append("<tr>");
            foreach (var cell in row)
            {
                html.Append("<td><code>").Append(WebUtility.HtmlEncode(cell.Length > 300 ? cell[..300] + "…" : cell)).Append("</code></td>");
            }

            html.Append("</tr>");
        }

        html.Append("</table>");
    }
}
