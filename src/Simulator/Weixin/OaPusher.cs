using System.Diagnostics;
using System.Globalization;
using System.Security;
using System.Security.Cryptography;
using System.Text;
using System.Xml;
using System.Xml.Linq;
using WechatLoyalty.Simulator.Crypto;
using WechatLoyalty.Simulator.Hosting;
using WechatLoyalty.Simulator.State;

namespace WechatLoyalty.Simulator.Weixin;

/// <summary>Pushes OA events to our ServerUrl as WeChat does: XML, signature/timestamp/nonce/openid in the query, in safe
/// mode the &lt;Encrypt&gt; envelope with encrypt_type=aes and msg_signature; up to 3 attempts with a 5 s timeout;
/// a passive reply must be empty, "success" or (safe mode) a correctly signed encrypted reply.</summary>
public sealed class OaPusher(SimulatorState state, SimulatorOptions options, SimulatorClock clock, IHttpClientFactory httpFactory)
{
    public const string HttpClientName = "wechat-sim-push";
    private const int MaxAttempts = 3;
    private readonly OaMessageCrypto _crypto = new(options.OfficialAccount.EncodingAesKey, options.OfficialAccount.AppId);

    public string EventXml(string openId, string eventName, params (string Name, string Value, bool Cdata)[] extra)
    {
        var xml = new StringBuilder();
        xml.Append($"<xml><ToUserName><![CDATA[{options.OfficialAccount.OriginalId}]]></ToUserName><FromUserName><![CDATA[{openId}]]></FromUserName>");
        xml.Append($"<CreateTime>{clock.UnixSeconds}</CreateTime><MsgType><![CDATA[event]]></MsgType><Event><![CDATA[{eventName}]]></Event>");
        foreach (var (name, value, cdata) in extra)
        {
            xml.Append(cdata ? $"<{name}><![CDATA[{value}]]></{name}>" : $"<{name}>{SecurityElement.Escape(value)}</{name}>");
        }

        return xml.Append("</xml>").ToString();
    }

    public async Task<OaPush> PushAsync(string eventName, string openId, string xml, CancellationToken cancellationToken)
    {
        var push = new OaPush
        {
            Id = state.NextId(), Event = eventName, OpenId = openId, Xml = xml, Url = options.OfficialAccount.ServerUrl, At = clock.GetUtcNow(),
        };
        lock (state.Gate)
        {
            state.OaPushes.Add(push);
        }

        if (string.IsNullOrEmpty(push.Url))
        {
            lock (state.Gate)
            {
                push.Status = "not_sent";
            }

            return push;
        }

        var client = httpFactory.CreateClient(HttpClientName);
        for (var number = 1; number <= MaxAttempts; number++)
        {
            var attempt = new DeliveryAttempt { Number = number, At = clock.GetUtcNow() };
            lock (state.Gate)
            {
                push.Attempts.Add(attempt);
            }

            var (status, error, reply, replyError) = await SendOnceAsync(client, push, attempt, cancellationToken);
            lock (state.Gate)
            {
                attempt.HttpStatus = status;
                attempt.Error = error;
                if (attempt.Succeeded)
                {
                    push.Status = "delivered";
                    push.Reply = DecryptedOrRaw(reply);
                    push.ReplyError = replyError;
                    return push;
                }
            }
        }

        lock (state.Gate)
        {
            push.Status = "failed";
        }

        return push;
    }

    private async Task<(int? Status, string? Error, string? Reply, string? ReplyError)> SendOnceAsync(HttpClient client, OaPush push,
        DeliveryAttempt attempt, CancellationToken cancellationToken)
    {
        var oa = options.OfficialAccount;
        var timestamp = clock.UnixSeconds.ToString(CultureInfo.InvariantCulture);
        var nonce = RandomNumberGenerator.GetString("0123456789", 10);
        var query = $"signature={WxSignature.Sha1Sorted(oa.Token, timestamp, nonce)}&timestamp={timestamp}&nonce={nonce}&openid={Uri.EscapeDataString(push.OpenId)}";
        var body = push.Xml;
        if (oa.SafeMode)
        {
            var encrypt = _crypto.Encrypt(push.Xml);
            query += $"&encrypt_type=aes&msg_signature={WxSignature.Sha1Sorted(oa.Token, timestamp, nonce, encrypt)}";
            body = $"<xml><ToUserName><![CDATA[{oa.OriginalId}]]></ToUserName><Encrypt><![CDATA[{encrypt}]]></Encrypt></xml>";
        }

        var url = push.Url + (push.Url!.Contains('?', StringComparison.Ordinal) ? "&" : "?") + query;
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(TimeSpan.FromSeconds(options.DeliveryTimeoutSeconds));
        var watch = Stopwatch.StartNew();
        try
        {
            using var content = new StringContent(body, Encoding.UTF8, "text/xml");
            using var response = await client.PostAsync(new Uri(url), content, timeout.Token);
            var reply = await response.Content.ReadAsStringAsync(timeout.Token);
            attempt.DurationMs = watch.Elapsed.TotalMilliseconds;
            var status = (int)response.StatusCode;
            return status is >= 200 and < 300 ? (status, null, reply, CheckReply(reply, push.OpenId)) : (status, null, reply, null);
        }
        catch (Exception ex) when (ex is HttpRequestException or OperationCanceledException && !cancellationToken.IsCancellationRequested)
        {
            attempt.DurationMs = watch.Elapsed.TotalMilliseconds;
            return (null, ex is OperationCanceledException ? "timeout" : ex.Message, null, null);
        }
    }

    private string? DecryptedOrRaw(string? reply)
    {
        if (!options.OfficialAccount.SafeMode || reply is null || !reply.TrimStart().StartsWith('<'))
        {
            return reply;
        }

        try
        {
            var encrypt = XDocument.Parse(reply.Trim()).Root?.Element("Encrypt")?.Value;
            return encrypt is null ? reply : _crypto.Decrypt(encrypt);
        }
        catch (Exception ex) when (ex is XmlException or CryptographicException or FormatException)
        {
            return reply;
        }
    }

    /// <summary>Null when WeChat would accept the passive reply; otherwise why the user would see "该公众号暂时无法提供服务".</summary>
    private string? CheckReply(string reply, string openId)
    {
        var trimmed = reply.Trim();
        if (trimmed.Length == 0 || trimmed == "success")
        {
            return null;
        }

        if (!trimmed.StartsWith('<'))
        {
            return "reply is neither empty, \"success\" nor XML";
        }

        try
        {
            var root = XDocument.Parse(trimmed).Root!;
            if (!options.OfficialAccount.SafeMode)
            {
                return root.Element("ToUserName")?.Value == openId ? null : "reply ToUserName is not the user's openid";
            }

            var encrypt = root.Element("Encrypt")?.Value;
            if (encrypt is null)
            {
                return "safe mode requires an encrypted reply";
            }

            var expected = WxSignature.Sha1Sorted(options.OfficialAccount.Token, root.Element("TimeStamp")?.Value ?? "",
                root.Element("Nonce")?.Value ?? "", encrypt);
            if (!string.Equals(expected, root.Element("MsgSignature")?.Value, StringComparison.OrdinalIgnoreCase))
            {
                return "reply MsgSignature does not match";
            }

            var inner = XDocument.Parse(_crypto.Decrypt(encrypt)).Root!;
            return inner.Element("ToUserName")?.Value == openId ? null : "decrypted reply ToUserName is not the user's openid";
        }
        catch (Exception ex) when (ex is XmlException or CryptographicException or FormatException)
        {
            return "reply is not valid: " + ex.Message;
        }
    }
}
