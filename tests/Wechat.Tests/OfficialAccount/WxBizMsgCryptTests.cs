using System.Text;
using WechatLoyalty.Wechat.OfficialAccount;
using WechatLoyalty.Wechat.Tests.Support;

namespace WechatLoyalty.Wechat.Tests.OfficialAccount;

public class WxBizMsgCryptTests
{
    private const string F4Encrypt =
        "Q3stYC6hdFzMh9T8HCvyDD4L4+DKjaXESo7k2qUmjYcRvM977zO12wpEuRUnsrDpRM9hlmxl40PqLe03yOQC4dcXQ4Vclb/WRXKP2M9PDIiY4MRVTX4esuAQbCpYT2ny5rm4Hr85YIgeV22YAq8GlEjPkxek+fZPJwja1Hh4RYNFknQOAgwQwyux7/h6KgumTFY6VMA/xy+lJ2ZemlAJfOnCrQDqhOX3oB182rlEpOBw3SGOwa35a6FsDfUGAkoIpLrkmGqIhjBycm4q15N2UNiVMTz46fo1Nv0EkJsXYGwGMjkmCRUuyk7OTKbiKuJtNLLAWEQ49wJ73tKZW38L1nP8ZxdGTRwBNZrHRgrqAN3zIMjq8Jj8ZEus2Ov2qowb8MX5vzmN/K0Oki7CmJOlKYdHxFX/s513kYZecn4rYHOBSoQyX0hwGMkhrbo0QCyB11nXbUI4esE787eZNuwnFw==";

    private const string F4Xml =
        "<xml><ToUserName><![CDATA[gh_test]]></ToUserName><FromUserName><![CDATA[o_test]]></FromUserName><CreateTime>1735700000</CreateTime><MsgType><![CDATA[event]]></MsgType><Event><![CDATA[subscribe]]></Event><EventKey><![CDATA[qrscene_store_001]]></EventKey><Ticket><![CDATA[TICKET]]></Ticket></xml>";

    [Fact]
    public void Decrypt_ReturnsOfficialPlaintext_WhenGivenWxBizMsgCryptSampleVector()
    {
        var v = Vectors.Load("c1-01");
        var crypt = new WxBizMsgCrypt(v.Input("token"), v.Input("encoding_aes_key"), v.Input("appid"));

        Assert.True(crypt.VerifySignature(v.Input("msg_signature"), v.Input("timestamp"), v.Input("nonce"), v.Input("encrypt")));
        Assert.Equal(v.Expected().GetProperty("plaintext").GetString(), crypt.Decrypt(v.Input("encrypt")));
    }

    [Fact]
    public void Encrypt_MatchesWxJavaVector_WhenRandomIsFixed()
    {
        var v = Vectors.Load("c1-07");
        var crypt = new WxBizMsgCrypt(v.Input("token"), v.Input("encoding_aes_key"), v.Input("appid"));

        var encrypt = crypt.Encrypt(v.Input("plaintext"), Encoding.ASCII.GetBytes(v.Input("random16")));

        Assert.Equal(v.Expected().GetProperty("encrypt").GetString(), encrypt);
        Assert.Equal(v.Input("plaintext"), crypt.Decrypt(encrypt));
    }

    [Fact]
    public void EncryptAndSign_MatchOurFixedVector_WhenPaddingIsTwenty()
    {
        var crypt = new WxBizMsgCrypt("testtoken", "abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG", "wx0000000000000001");

        var encrypt = crypt.Encrypt(F4Xml, Encoding.ASCII.GetBytes("0123456789abcdef"));

        Assert.Equal(294, Encoding.UTF8.GetByteCount(F4Xml));
        Assert.Equal(F4Encrypt, encrypt);
        Assert.Equal("294ef4de44b88876c8aa6c6b4af3aab5369debca", crypt.Signature("1735700000", "123456789", encrypt));
        Assert.Equal(F4Xml, crypt.Decrypt(F4Encrypt));
    }

    [Fact]
    public void Decrypt_ReturnsMessage_WhenGivenWechatpyPublicVector()
    {
        var crypt = new WxBizMsgCrypt("123456", "kWxPEV2UEDyxWpmPdKC3F4dgPDmOvfKX1HGnEUDS1aR", "wx49f0ab532d5d035a");
        const string encrypt = "4ByGGj+sVCYcvGeQYhaKIk1o0pQRNbRjxybjTGblXrBaXlTXeOo1+bXFXDQQb1o6co6Yh9Bv41n7hOchLF6p+Q==";

        Assert.True(crypt.VerifySignature("dd6b9c95b495b3f7e2901bfbc76c664930ffdb96", "1411443780", "437374425", encrypt));
        Assert.Equal("5927782489442352469", crypt.Decrypt(encrypt));
    }

    [Fact]
    public void Decrypt_ThrowsAppIdMismatch_WhenMessageIsForAnotherApp()
    {
        var ours = new WxBizMsgCrypt("testtoken", "abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG", "wx0000000000000001");
        var theirs = new WxBizMsgCrypt("testtoken", "abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG", "wx9999999999999999");

        var ex = Assert.Throws<OaMessageException>(() => ours.Decrypt(theirs.Encrypt("<xml/>")));

        Assert.Equal(OaMessageError.AppIdMismatch, ex.Reason);
    }

    [Fact]
    public void Decrypt_ThrowsDecryptionFailed_WhenKeyIsWrong()
    {
        var sender = new WxBizMsgCrypt("t", "abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG", "wx0000000000000001");
        var receiver = new WxBizMsgCrypt("t", "kWxPEV2UEDyxWpmPdKC3F4dgPDmOvfKX1HGnEUDS1aR", "wx0000000000000001");

        var ex = Assert.ThrowsAny<OaMessageException>(() => receiver.Decrypt(sender.Encrypt("<xml><A>1</A></xml>")));

        Assert.Contains(ex.Reason, new[] { OaMessageError.DecryptionFailed, OaMessageError.AppIdMismatch });
    }

    [Fact]
    public void Decrypt_ThrowsDecryptionFailed_WhenCiphertextIsNotWholeBlocks()
    {
        var crypt = new WxBizMsgCrypt("t", "abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG", "wx0000000000000001");

        var ex = Assert.Throws<OaMessageException>(() => crypt.Decrypt(Convert.ToBase64String(new byte[17])));

        Assert.Equal(OaMessageError.DecryptionFailed, ex.Reason);
    }

    [Theory]
    [InlineData("")]
    [InlineData("x")]
    [InlineData("<xml><Content><![CDATA[积分 100]]></Content></xml>")]
    public void Encrypt_RoundTrips_ForAnyMessageLength(string message)
    {
        var crypt = new WxBizMsgCrypt("t", "kWxPEV2UEDyxWpmPdKC3F4dgPDmOvfKX1HGnEUDS1aR", "wx0000000000000001");

        var encrypt = crypt.Encrypt(message);

        Assert.Equal(0, Convert.FromBase64String(encrypt).Length % 32);
        Assert.Equal(message, crypt.Decrypt(encrypt));
    }
}
