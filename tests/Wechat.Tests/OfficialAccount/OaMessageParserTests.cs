using System.Text;
using Microsoft.Extensions.Time.Testing;
using WechatLoyalty.Wechat.OfficialAccount;
using WechatLoyalty.Wechat.Tests.Support;

namespace WechatLoyalty.Wechat.Tests.OfficialAccount;

public class OaMessageParserTests
{
    private const string Token = "testtoken";
    private const string AesKey = "abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG";
    private const string AppId = "wx0000000000000001";
    private readonly OaMessageParser _parser = new(Token, AesKey, AppId);

    [Fact]
    public void Parse_ReturnsSubscribeWithScene_WhenSafeModeEvent()
    {
        var encrypt = new WxBizMsgCrypt(Token, AesKey, AppId).Encrypt(Xml("subscribe", "<EventKey><![CDATA[qrscene_store_001]]></EventKey><Ticket><![CDATA[TICKET]]></Ticket>"));
        var body = $"<xml><ToUserName><![CDATA[gh_test]]></ToUserName><Encrypt><![CDATA[{encrypt}]]></Encrypt></xml>";
        var signature = OaSignature.Compute(Token, "1735700000", "123456789", encrypt);

        var message = _parser.Parse(new OaPushRequest(body, "ignored", "1735700000", "123456789", "aes", signature));

        var subscribe = Assert.IsType<OaSubscribeEvent>(message);
        Assert.True(subscribe.WasEncrypted);
        Assert.Equal("store_001", subscribe.Scene);
        Assert.Equal("TICKET", subscribe.Ticket);
        Assert.Equal("o_test", subscribe.FromUserName);
        Assert.Equal("event:o_test:1735700000:subscribe", subscribe.DedupKey);
    }

    [Fact]
    public void Parse_DecryptsOfficialSample_WhenSafeModePostBody()
    {
        var v = Vectors.Load("c1-01");
        var parser = new OaMessageParser(v.Input("token"), v.Input("encoding_aes_key"), v.Input("appid"));

        var message = parser.Parse(new OaPushRequest(v.Input("post_body_xml"), null, v.Input("timestamp"), v.Input("nonce"), "aes", v.Input("msg_signature")));

        var text = Assert.IsType<OaTextMessage>(message);
        Assert.Equal("hello", text.Content);
        Assert.Equal("msg:4561255354251345929", text.DedupKey);
    }

    [Fact]
    public void Parse_RejectsBadMsgSignature_BeforeDecrypting()
    {
        var v = Vectors.Load("c1-01");
        var parser = new OaMessageParser(v.Input("token"), v.Input("encoding_aes_key"), v.Input("appid"));

        var ex = Assert.Throws<OaMessageException>(() => parser.Parse(new OaPushRequest(
            v.Input("post_body_xml"), null, v.Input("timestamp"), v.Input("nonce"), "aes", "477715d11cdb4164915debcba66cb864d751f3e7")));

        Assert.Equal(OaMessageError.BadMsgSignature, ex.Reason);
    }

    [Fact]
    public void Parse_RejectsAppIdMismatch_WhenSafeModeMessageForAnotherApp()
    {
        var v = Vectors.Load("c1-01");
        var parser = new OaMessageParser(v.Input("token"), v.Input("encoding_aes_key"), "wx0000000000000001");

        var ex = Assert.Throws<OaMessageException>(() => parser.Parse(new OaPushRequest(
            v.Input("post_body_xml"), null, v.Input("timestamp"), v.Input("nonce"), "aes", v.Input("msg_signature"))));

        Assert.Equal(OaMessageError.AppIdMismatch, ex.Reason);
    }

    [Fact]
    public void Parse_ReturnsTemplateJobFinish_WhenPlainModeAndSignatureValid()
    {
        var body = Xml("TEMPLATESENDJOBFINISH", "<MsgID>200163836</MsgID><Status><![CDATA[failed:user block]]></Status>");

        var message = _parser.Parse(Plain(body));

        var finish = Assert.IsType<OaTemplateSendJobFinishEvent>(message);
        Assert.True(finish.Failed);
        Assert.False(finish.Succeeded);
        Assert.Equal("200163836", finish.MsgId);
        Assert.Equal("msg:200163836", finish.DedupKey);
    }

    [Fact]
    public void Parse_ReturnsScanWithBareScene_AndUnsubscribe()
    {
        var scan = Assert.IsType<OaScanEvent>(_parser.Parse(Plain(Xml("SCAN", "<EventKey><![CDATA[store_001]]></EventKey>"))));
        var plainFollow = Assert.IsType<OaSubscribeEvent>(_parser.Parse(Plain(Xml("subscribe", "<EventKey><![CDATA[]]></EventKey>"))));

        Assert.Equal("store_001", scan.Scene);
        Assert.Null(plainFollow.Scene);
        Assert.IsType<OaUnsubscribeEvent>(_parser.Parse(Plain(Xml("unsubscribe", ""))));
    }

    [Fact]
    public void Parse_RejectsBadSignature_WhenPlainModeSignatureWrong()
    {
        var ex = Assert.Throws<OaMessageException>(() => _parser.Parse(Plain(Xml("unsubscribe", "")) with { Signature = new string('0', 40) }));

        Assert.Equal(OaMessageError.BadSignature, ex.Reason);
    }

    [Theory]
    [InlineData("<!DOCTYPE xml [<!ENTITY e \"boom\">]><xml><MsgType>text</MsgType><Content>&e;</Content></xml>")]
    [InlineData("<!DOCTYPE xml SYSTEM \"file:///etc/passwd\"><xml><MsgType>text</MsgType></xml>")]
    [InlineData("<xml><MsgType>text</MsgType>")]
    public void Parse_RejectsMalformedXml_WhenDoctypeEntitiesOrBroken(string body)
    {
        var ex = Assert.Throws<OaMessageException>(() => _parser.Parse(Plain(body)));

        Assert.Equal(OaMessageError.MalformedXml, ex.Reason);
    }

    [Fact]
    public void Parse_RejectsDoctype_InsideSafeModePayload()
    {
        var crypt = new WxBizMsgCrypt(Token, AesKey, AppId);
        var encrypt = crypt.Encrypt("<!DOCTYPE xml [<!ENTITY e \"x\">]><xml><Content>&e;</Content></xml>");
        var body = $"<xml><Encrypt><![CDATA[{encrypt}]]></Encrypt></xml>";

        var ex = Assert.Throws<OaMessageException>(() => _parser.Parse(new OaPushRequest(body, null, "1", "2", "aes", crypt.Signature("1", "2", encrypt))));

        Assert.Equal(OaMessageError.MalformedXml, ex.Reason);
    }

    [Fact]
    public void Parse_RejectsTooLarge_WhenBodyExceedsLimit()
    {
        var body = "<xml><Content>" + new string('a', OaXml.MaxLength) + "</Content></xml>";

        Assert.Equal(OaMessageError.TooLarge, Assert.Throws<OaMessageException>(() => _parser.Parse(Plain(body))).Reason);
    }

    [Fact]
    public void ReplyBuilder_EncryptsTextReply_ThatDecryptsAndVerifies_WhenRequestWasEncrypted()
    {
        var crypt = new WxBizMsgCrypt(Token, AesKey, AppId);
        var encrypt = crypt.Encrypt(Xml("subscribe", ""));
        var incoming = _parser.Parse(new OaPushRequest($"<xml><Encrypt><![CDATA[{encrypt}]]></Encrypt></xml>", null, "1", "2", "aes", crypt.Signature("1", "2", encrypt)));
        var builder = new OaReplyBuilder(crypt, new FakeTimeProvider(DateTimeOffset.FromUnixTimeSeconds(1735700100)));

        var reply = OaXml.ParseFlat(builder.Text(incoming, "Welcome ]]> 欢迎"));

        Assert.Equal("1735700100", reply["TimeStamp"]);
        Assert.True(crypt.VerifySignature(reply["MsgSignature"], reply["TimeStamp"], reply["Nonce"], reply["Encrypt"]));
        var inner = OaXml.ParseFlat(crypt.Decrypt(reply["Encrypt"]));
        Assert.Equal("o_test", inner["ToUserName"]);
        Assert.Equal("gh_test", inner["FromUserName"]);
        Assert.Equal("Welcome ]]> 欢迎", inner["Content"]);
    }

    private static OaPushRequest Plain(string body) =>
        new(body, OaSignature.Compute(Token, "1735700000", "123456789"), "1735700000", "123456789");

    private static string Xml(string evt, string extra) =>
        "<xml><ToUserName><![CDATA[gh_test]]></ToUserName><FromUserName><![CDATA[o_test]]></FromUserName><CreateTime>1735700000</CreateTime>"
        + $"<MsgType><![CDATA[event]]></MsgType><Event><![CDATA[{evt}]]></Event>{extra}</xml>";
}
