using System.Security.Cryptography;
using System.Text;
using WechatLoyalty.Simulator.Crypto;

namespace WechatLoyalty.Simulator.Tests;

/// <summary>The simulator's own crypto against the vectors in wechat-protocol.md (F2, F4).</summary>
public class CryptoVectorTests
{
    [Fact]
    public void Sha1Sorted_MatchesUrlVerificationVector()
    {
        Assert.Equal("2130c6cb803e9b492c7bb495f6eb8b8328fef67d", WxSignature.Sha1Sorted("testtoken", "1735700000", "123456789"));
    }

    [Fact]
    public void OaEncrypt_ProducesPublishedSafeModeVector_WithPad20()
    {
        const string xml = "<xml><ToUserName><![CDATA[gh_test]]></ToUserName><FromUserName><![CDATA[o_test]]></FromUserName><CreateTime>1735700000</CreateTime><MsgType><![CDATA[event]]></MsgType><Event><![CDATA[subscribe]]></Event><EventKey><![CDATA[qrscene_store_001]]></EventKey><Ticket><![CDATA[TICKET]]></Ticket></xml>";
        var crypto = new OaMessageCrypto("abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG", "wx0000000000000001");

        var encrypt = crypto.Encrypt(xml, Encoding.ASCII.GetBytes("0123456789abcdef"));

        Assert.StartsWith("Q3stYC6hdFzMh9T8HCvyDD4L4+DKjaXESo7k2qUmjYcRvM977zO12wpEuRUnsrDpRM9hlmxl40Pq", encrypt, StringComparison.Ordinal);
        Assert.EndsWith("yX0hwGMkhrbo0QCyB11nXbUI4esE787eZNuwnFw==", encrypt, StringComparison.Ordinal);
        Assert.Equal("294ef4de44b88876c8aa6c6b4af3aab5369debca", WxSignature.Sha1Sorted("testtoken", "1735700000", "123456789", encrypt));
        Assert.Equal(xml, crypto.Decrypt(encrypt));
    }

    [Fact]
    public void OaDecrypt_ReadsWechatpyPublicVector()
    {
        var crypto = new OaMessageCrypto("kWxPEV2UEDyxWpmPdKC3F4dgPDmOvfKX1HGnEUDS1aR", "wx49f0ab532d5d035a");
        const string encrypt = "4ByGGj+sVCYcvGeQYhaKIk1o0pQRNbRjxybjTGblXrBaXlTXeOo1+bXFXDQQb1o6co6Yh9Bv41n7hOchLF6p+Q==";

        Assert.Equal("5927782489442352469", crypto.Decrypt(encrypt));
        Assert.Equal("dd6b9c95b495b3f7e2901bfbc76c664930ffdb96", WxSignature.Sha1Sorted("123456", "1411443780", "437374425", encrypt));
    }

    [Fact]
    public void OaDecrypt_Throws_WhenAppIdDiffers()
    {
        var encrypt = new OaMessageCrypto("kWxPEV2UEDyxWpmPdKC3F4dgPDmOvfKX1HGnEUDS1aR", "wx49f0ab532d5d035a").Encrypt("<xml/>");

        Assert.Throws<CryptographicException>(() => new OaMessageCrypto("kWxPEV2UEDyxWpmPdKC3F4dgPDmOvfKX1HGnEUDS1aR", "wx0000000000000001").Decrypt(encrypt));
    }

    [Fact]
    public void GcmEncrypt_ProducesProtocolVectorTag()
    {
        const string plaintext = """{"mchid":"1900000001","appid":"wx0000000000000001","out_trade_no":"T20250101001","transaction_id":"4200000000202501010000000001","trade_type":"JSAPI","trade_state":"SUCCESS","trade_state_desc":"ok","bank_type":"OTHERS","attach":"member:42","success_time":"2025-01-01T12:00:00+08:00","payer":{"openid":"o_test_openid"},"amount":{"total":100,"payer_total":100,"currency":"CNY","payer_currency":"CNY"}}""";

        var ciphertext = PayCrypto.GcmEncrypt("0123456789abcdef0123456789abcdef", "n0nce12chars", "transaction", plaintext);

        Assert.StartsWith("B30fzOdDO7ngE1BTkCBQ60yQNdmq4I3zDM46ZDsYsPJXYvar1OI6fq8HManc", ciphertext, StringComparison.Ordinal);
        Assert.Equal("69537a60b8020113cf3f95f01154c4e1", Convert.ToHexStringLower(Convert.FromBase64String(ciphertext)[^16..]));
        Assert.Equal(plaintext, PayCrypto.GcmDecrypt("0123456789abcdef0123456789abcdef", "n0nce12chars", "transaction", ciphertext));
    }
}
