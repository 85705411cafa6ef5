using System.Globalization;
using System.Security.Cryptography;

namespace WechatLoyalty.Wechat.OfficialAccount;

/// <summary>
/// Passive replies (the HTTP answer to a push). In safe mode the reply must be wrapped encrypted, signed over our own
/// timestamp and nonce. https://developers.weixin.qq.com/doc/service/guide/product/message/Passive_user_reply_message.html
/// </summary>
public sealed class OaReplyBuilder(WxBizMsgCrypt crypt, TimeProvider time)
{
    /// <summary>What to answer when there is nothing to say: WeChat neither retries nor shows an error.</summary>
    public const string Success = "success";

    /// <summary>A text reply to <paramref name="message"/>: to the user, from our account.</summary>
    public string Text(OaMessage message, string content)
    {
        var now = time.GetUtcNow().ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture);
        var xml = "<xml>"
            + $"<ToUserName>{CData(message.FromUserName)}</ToUserName>"
            + $"<FromUserName>{CData(message.ToUserName)}</FromUserName>"
            + $"<CreateTime>{now}</CreateTime>"
            + "<MsgType><![CDATA[text]]></MsgType>"
            + $"<Content>{CData(content)}</Content>"
            + "</xml>";
        return message.WasEncrypted ? Encrypt(xml) : xml;
    }

    /// <summary>Wraps a plain reply for safe mode.</summary>
    public string Encrypt(string replyXml)
    {
        var timestamp = time.GetUtcNow().ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture);
        var nonce = RandomNumberGenerator.GetInt32(100_000_000, int.MaxValue).ToString(CultureInfo.InvariantCulture);
        return Encrypt(replyXml, timestamp, nonce);
    }

    public string Encrypt(string replyXml, string timestamp, string nonce)
    {
        var encrypt = crypt.Encrypt(replyXml);
        var signature = crypt.Signature(timestamp, nonce, encrypt);
        return $"<xml><Encrypt>{CData(encrypt)}</Encrypt><MsgSignature>{CData(signature)}</MsgSignature>"
            + $"<TimeStamp>{timestamp}</TimeStamp><Nonce>{CData(nonce)}</Nonce></xml>";
    }

    /// <summary>CDATA cannot contain "]]>", so such text is split across two sections.</summary>
    private static string CData(string text) => "<![CDATA[" + text.Replace("]]>", "]]]]><![CDATA[>", StringComparison.Ordinal) + "]]>";
}
