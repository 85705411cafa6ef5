using System.Xml.Linq;
using WechatLoyalty.Simulator.Tests.Infrastructure;
using static WechatLoyalty.Simulator.Tests.Infrastructure.SimulatorFixture;

namespace WechatLoyalty.Simulator.Tests;

public class OfficialAccountTests(SimulatorFixture fixture) : IClassFixture<SimulatorFixture>
{
    private const string Token = "simtoken";
    private const string AesKey = "abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG";

    private async Task<XElement> LastEventForAsync(string openId)
    {
        var pushes = await fixture.Receiver.WaitForAsync("oa", 1);
        var request = pushes.Last(r => r.Query["openid"] == openId);
        var encrypt = XDocument.Parse(request.Body).Root!.Element("Encrypt")!.Value;
        return XDocument.Parse(OurSide.OaDecrypt(AesKey, encrypt).Xml).Root!;
    }

    [Fact]
    public async Task Follow_PushesEncryptedSubscribeEvent_WithValidSignatures()
    {
        var user = await fixture.CreateUserAsync();
        var openId = user.GetProperty("oa_openid").GetString()!;

        var push = await fixture.PostAsync($"/sim/users/{user.GetProperty("unionid").GetString()}/follow");

        var request = fixture.Receiver.Requests.Last(r => r.Name == "oa" && r.Query["openid"] == openId);
        var q = request.Query;
        var encrypt = XDocument.Parse(request.Body).Root!.Element("Encrypt")!.Value;
        Assert.Equal("aes", q["encrypt_type"]);
        Assert.Equal(OurSide.Sha1Signature(Token, q["timestamp"], q["nonce"]), q["signature"]);
        Assert.Equal(OurSide.Sha1Signature(Token, q["timestamp"], q["nonce"], encrypt), q["msg_signature"]);
        var (xml, appId) = OurSide.OaDecrypt(AesKey, encrypt);
        var evt = XDocument.Parse(xml).Root!;
        Assert.Equal(OaAppId, appId);
        Assert.Equal("subscribe", evt.Element("Event")!.Value);
        Assert.Equal(openId, evt.Element("FromUserName")!.Value);
        Assert.Equal("delivered", push.GetProperty("status").GetString());
    }

    [Fact]
    public async Task Follow_AcceptsOurEncryptedPassiveReply_AndRejectsPlainReplyInSafeMode()
    {
        fixture.Receiver.OaReply = request =>
        {
            var openId = request.Query["openid"];
            var reply = $"<xml><ToUserName><![CDATA[{openId}]]></ToUserName><FromUserName><![CDATA[gh_5e1f0a9b2c3d]]></FromUserName><CreateTime>1735700000</CreateTime><MsgType><![CDATA[text]]></MsgType><Content><![CDATA[Welcome]]></Content></xml>";
            return OurSide.OaEncryptedReply(AesKey, Token, OaAppId, reply);
        };
        try
        {
            var user = await fixture.CreateUserAsync();
            var push = await fixture.PostAsync($"/sim/users/{user.GetProperty("unionid").GetString()}/follow");

            Assert.Equal(System.Text.Json.JsonValueKind.Null, push.GetProperty("reply_error").ValueKind);
            Assert.Contains("Welcome", push.GetProperty("reply").GetString(), StringComparison.Ordinal);

            fixture.Receiver.OaReply = request => "<xml><ToUserName><![CDATA[x]]></ToUserName><Content>plain</Content></xml>";
            var second = await fixture.CreateUserAsync();
            var rejected = await fixture.PostAsync($"/sim/users/{second.GetProperty("unionid").GetString()}/follow");
            Assert.Equal("safe mode requires an encrypted reply", rejected.GetProperty("reply_error").GetString());
        }
        finally
        {
            fixture.Receiver.OaReply = _ => "success";
        }
    }

    [Fact]
    public async Task ScanQr_PushesQrsceneEventKey_ThenScanForFollower_AndUserInfoKeepsScene()
    {
        var token = await fixture.OaTokenAsync();
        var qr = await fixture.PostAsync($"/cgi-bin/qrcode/create?access_token={token}",
            new { expire_seconds = 2_592_000, action_name = "QR_STR_SCENE", action_info = new { scene = new { scene_str = "s=ST001" } } });
        var ticket = qr.GetProperty("ticket").GetString()!;
        var user = await fixture.CreateUserAsync();
        var id = user.GetProperty("unionid").GetString()!;
        var openId = user.GetProperty("oa_openid").GetString()!;

        await fixture.PostAsync($"/sim/users/{id}/scan", new { ticket });
        var subscribe = await LastEventForAsync(openId);
        await fixture.PostAsync($"/sim/users/{id}/scan", new { ticket });
        var scan = await LastEventForAsync(openId);
        var info = await fixture.GetAsync($"/cgi-bin/user/info?access_token={token}&openid={openId}&lang=zh_CN");
        using var png = await fixture.Http.GetAsync($"/cgi-bin/showqrcode?ticket={Uri.EscapeDataString(ticket)}");

        Assert.Equal(2_592_000, qr.GetProperty("expire_seconds").GetInt32());
        Assert.Equal("qrscene_s=ST001", subscribe.Element("EventKey")!.Value);
        Assert.Equal(ticket, subscribe.Element("Ticket")!.Value);
        Assert.Equal("SCAN", scan.Element("Event")!.Value);
        Assert.Equal("s=ST001", scan.Element("EventKey")!.Value);
        Assert.Equal(1, info.GetProperty("subscribe").GetInt32());
        Assert.Equal(id, info.GetProperty("unionid").GetString());
        Assert.Equal("ADD_SCENE_QR_CODE", info.GetProperty("subscribe_scene").GetString());
        Assert.Equal("s=ST001", info.GetProperty("qr_scene_str").GetString());
        Assert.Equal("image/png", png.Content.Headers.ContentType?.MediaType);
    }

    [Fact]
    public async Task CreateQrCode_DefaultsTo30Seconds_AndRejectsMissingSceneStr()
    {
        var token = await fixture.OaTokenAsync();

        var temporary = await fixture.PostAsync($"/cgi-bin/qrcode/create?access_token={token}",
            new { action_name = "QR_SCENE", action_info = new { scene = new { scene_id = 42 } } });
        var missing = await fixture.PostAsync($"/cgi-bin/qrcode/create?access_token={token}",
            new { action_name = "QR_LIMIT_STR_SCENE", action_info = new { scene_str = "not-nested" } });

        Assert.Equal(30, temporary.GetProperty("expire_seconds").GetInt32());
        Assert.Equal(40097, ErrCode(missing));
    }

    [Fact]
    public async Task TemplateSend_Returns43004_WhenUserDoesNotFollow()
    {
        var user = await fixture.CreateUserAsync();
        var token = await fixture.OaTokenAsync();

        var result = await fixture.PostAsync($"/cgi-bin/message/template/send?access_token={token}",
            new { touser = user.GetProperty("oa_openid").GetString(), template_id = "TPL_TIER", data = new { thing1 = new { value = "Gold" } } });

        Assert.Equal(43004, ErrCode(result));
    }

    [Fact]
    public async Task TemplateSend_ReturnsMsgId_DedupsClientMsgId_AndPushesJobFinish()
    {
        var user = await fixture.CreateUserAsync(new { blocks_template_messages = true });
        var openId = user.GetProperty("oa_openid").GetString()!;
        await fixture.PostAsync($"/sim/users/{user.GetProperty("unionid").GetString()}/follow");
        var token = await fixture.OaTokenAsync();
        var body = new
        {
            touser = openId, template_id = "TPL_TIER", client_msg_id = "tier-up-42",
            miniprogram = new { appid = MiniAppId, pagepath = "pages/points/index" },
            data = new { thing1 = new { value = "Gold tier reached" } },
        };

        var first = await fixture.PostAsync($"/cgi-bin/message/template/send?access_token={token}", body);
        var again = await fixture.PostAsync($"/cgi-bin/message/template/send?access_token={token}", body);
        var msgId = first.GetProperty("msgid").GetInt64();
        XElement? finish = null;
        for (var i = 0; i < 200 && finish is null; i++)
        {
            await Task.Delay(20);
            finish = fixture.Receiver.For("oa").Where(r => r.Query["openid"] == openId)
                .Select(r => XDocument.Parse(OurSide.OaDecrypt(AesKey, XDocument.Parse(r.Body).Root!.Element("Encrypt")!.Value).Xml).Root!)
                .FirstOrDefault(x => x.Element("Event")!.Value == "TEMPLATESENDJOBFINISH");
        }

        Assert.Equal(0, ErrCode(first));
        Assert.Equal(msgId, again.GetProperty("msgid").GetInt64());
        Assert.NotNull(finish);
        Assert.Equal(msgId.ToString(System.Globalization.CultureInfo.InvariantCulture), finish.Element("MsgID")!.Value);
        Assert.Equal("failed:user block", finish.Element("Status")!.Value);
    }

    [Fact]
    public async Task TemplateSend_Returns47003_WhenValueHasLineBreak()
    {
        var user = await fixture.CreateUserAsync();
        await fixture.PostAsync($"/sim/users/{user.GetProperty("unionid").GetString()}/follow");
        var token = await fixture.OaTokenAsync();

        var result = await fixture.PostAsync($"/cgi-bin/message/template/send?access_token={token}",
            new { touser = user.GetProperty("oa_openid").GetString(), template_id = "TPL_TIER", data = new { thing1 = new { value = "a\nb" } } });

        Assert.Equal(47003, ErrCode(result));
    }
}
