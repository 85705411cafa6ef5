using System.Security.Cryptography;
using System.Text;
using WechatLoyalty.Api.Tests.Infrastructure;
using WechatLoyalty.Wechat.OfficialAccount;
using Xunit.Abstractions;

namespace WechatLoyalty.Api.Tests.Reliability;

/// <summary>
/// Forged and malformed official-account pushes, plain and safe mode: bad or missing signatures, tampered or foreign
/// ciphertext, XML bombs, DTDs and external entities (outside and inside the encrypted payload), oversized bodies.
/// Each is a 4xx, changes no row of any table, and leaves a log line that says why.
/// </summary>
public class ForgedOaPushTests(LoyaltyApiFactory factory, ITestOutputHelper output) : IClassFixture<LoyaltyApiFactory>
{
    private sealed record Case(string Name, string Query, string Body, string Why);

    private const string Follow = "<xml><ToUserName><![CDATA[gh_test]]></ToUserName><FromUserName><![CDATA[o_forged_follower]]></FromUserName>"
        + "<CreateTime>1735700000</CreateTime><MsgType><![CDATA[event]]></MsgType><Event><![CDATA[subscribe]]></Event></xml>";

    private const string Bomb = """
        <?xml version="1.0"?>
        <!DOCTYPE xml [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;"><!ENTITY c "&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;">
        <!ENTITY d "&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;"><!ENTITY e "&d;&d;&d;&d;&d;&d;&d;&d;&d;&d;"><!ENTITY f "&e;&e;&e;&e;&e;&e;&e;&e;&e;&e;">]>
        <xml><ToUserName>&f;</ToUserName><FromUserName>o_forged_follower</FromUserName><MsgType>event</MsgType><Event>subscribe</Event></xml>
        """;

    private const string ExternalEntity = """
        <?xml version="1.0"?>
        <!DOCTYPE xml [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>
        <xml><FromUserName>&xxe;</FromUserName><MsgType>event</MsgType><Event>subscribe</Event></xml>
        """;

    private const string ExternalDtd = """
        <?xml version="1.0"?>
        <!DOCTYPE xml SYSTEM "http://127.0.0.1:9/evil.dtd">
        <xml><FromUserName>o_forged_follower</FromUserName><MsgType>event</MsgType><Event>subscribe</Event></xml>
        """;

    private const string ParameterEntity = """
        <?xml version="1.0"?>
        <!DOCTYPE xml [<!ENTITY % remote SYSTEM "http://127.0.0.1:9/x.dtd"> %remote;]>
        <xml><FromUserName>o_forged_follower</FromUserName></xml>
        """;

    [Fact]
    public async Task EveryForgedOrMalformedPush_Is4xx_WritesNothing_AndLogsWhy()
    {
        var cases = Corpus();
        using var client = factory.CreateClient();
        var failures = new List<string>();
        foreach (var c in cases)
        {
            var before = await TableRows.CountAsync(factory.DatabaseConnectionString);
            var mark = factory.Logs.Mark();
            using var response = await client.PostAsync("/wechat/oa?" + c.Query, new StringContent(c.Body, Encoding.UTF8, "text/xml"));
            var after = await TableRows.CountAsync(factory.DatabaseConnectionString);
            var logs = factory.Logs.Since(mark).Where(m => m.Contains("OA push", StringComparison.Ordinal)).ToList();
            output.WriteLine($"{c.Name}: {(int)response.StatusCode} | {string.Join(" / ", logs)}");

            var status = (int)response.StatusCode;
            if (status is < 400 or >= 500) failures.Add($"{c.Name}: HTTP {status}");
            if (TableRows.Changed(before, after) is { Count: > 0 } changed) failures.Add($"{c.Name}: wrote {string.Join(", ", changed)}");
            if (!logs.Any(l => l.Contains(c.Why, StringComparison.OrdinalIgnoreCase)))
                failures.Add($"{c.Name}: no log line saying '{c.Why}' (logged: {string.Join(" / ", logs)})");
        }
        Assert.True(failures.Count == 0, string.Join("\n", failures));
    }

    private List<Case> Corpus()
    {
        var oa = factory.Simulator.Options.OfficialAccount;
        var crypt = new WxBizMsgCrypt(oa.Token, oa.EncodingAesKey, oa.AppId);
        var foreignApp = new WxBizMsgCrypt(oa.Token, oa.EncodingAesKey, "wx0000000000000000");
        var foreignKey = new WxBizMsgCrypt(oa.Token, Convert.ToBase64String(RandomNumberGenerator.GetBytes(32)).TrimEnd('='), oa.AppId);
        const string ts = "1735700000";
        const string nonce = "4242";
        var plainSig = OaSignature.Compute(oa.Token, ts, nonce);
        string Plain(string? signature = null, string timestamp = ts) => $"signature={signature ?? plainSig}&timestamp={timestamp}&nonce={nonce}&openid=o_forged_follower";
        Case Safe(string name, string encrypt, string why, string? msgSignature = null, string? outer = null) =>
            new(name, $"signature={plainSig}&timestamp={ts}&nonce={nonce}&encrypt_type=aes&msg_signature={msgSignature ?? crypt.Signature(ts, nonce, encrypt)}",
                outer ?? $"<xml><ToUserName><![CDATA[gh_test]]></ToUserName><Encrypt><![CDATA[{encrypt}]]></Encrypt></xml>", why);
        var good = crypt.Encrypt(Follow);
        var tampered = Convert.FromBase64String(good);
        tampered[20] ^= 0x55;
        var huge = Follow.Replace("gh_test", new string('x', 100_000));

        return
        [
            // Plain mode: the signature is over token, timestamp and nonce.
            new("plain: bad signature", Plain("0000000000000000000000000000000000000000"), Follow, "BadSignature"),
            new("plain: no signature", $"timestamp={ts}&nonce={nonce}", Follow, "BadSignature"),
            new("plain: no timestamp", $"signature={plainSig}&nonce={nonce}", Follow, "MissingParameters"),
            new("plain: no nonce", $"signature={plainSig}&timestamp={ts}", Follow, "MissingParameters"),
            new("plain: no query at all", "", Follow, "MissingParameters"),
            new("plain: signed with another token", Plain(OaSignature.Compute("not-our-token", ts, nonce)), Follow, "BadSignature"),
            new("plain: timestamp changed after signing", Plain(timestamp: "1735700001"), Follow, "BadSignature"),
            new("plain: body not XML", Plain(), "{\"MsgType\":\"event\"}", "MalformedXml"),
            new("plain: empty body", Plain(), "", "MalformedXml"),
            new("plain: truncated XML", Plain(), Follow[..40], "MalformedXml"),
            new("plain: billion laughs", Plain(), Bomb, "MalformedXml"),
            new("plain: external entity", Plain(), ExternalEntity, "MalformedXml"),
            new("plain: external DTD", Plain(), ExternalDtd, "MalformedXml"),
            new("plain: parameter entity", Plain(), ParameterEntity, "MalformedXml"),
            new("plain: body over 64 KB", Plain(), huge, "too large"),
            // Safe mode: msg_signature over token, timestamp, nonce and the ciphertext, checked before decrypting.
            Safe("safe: no msg_signature", good, "MissingParameters", msgSignature: ""),
            Safe("safe: bad msg_signature", good, "BadMsgSignature", msgSignature: "0000000000000000000000000000000000000000"),
            Safe("safe: msg_signature of another ciphertext", good, "BadMsgSignature", msgSignature: crypt.Signature(ts, nonce, crypt.Encrypt(Follow))),
            Safe("safe: no Encrypt element", good, "MissingEncrypt", outer: "<xml><ToUserName>gh_test</ToUserName></xml>"),
            Safe("safe: empty Encrypt element", "", "MissingEncrypt"),
            Safe("safe: ciphertext tampered (and re-signed)", Convert.ToBase64String(tampered), "DecryptionFailed"),
            Safe("safe: ciphertext not base64", "%%%not-base64%%%", "DecryptionFailed"),
            Safe("safe: ciphertext truncated", good[..24], "DecryptionFailed"),
            Safe("safe: encrypted for another appid", foreignApp.Encrypt(Follow), "AppIdMismatch"),
            Safe("safe: encrypted with another AES key", foreignKey.Encrypt(Follow), "DecryptionFailed"),
            Safe("safe: outer XML is a billion laughs", good, "MalformedXml", outer: Bomb),
            Safe("safe: outer XML has an external entity", good, "MalformedXml", outer: ExternalEntity),
            Safe("safe: decrypted XML is a billion laughs", crypt.Encrypt(Bomb), "MalformedXml"),
            Safe("safe: decrypted XML has an external entity", crypt.Encrypt(ExternalEntity), "MalformedXml"),
            Safe("safe: decrypted XML has an external DTD", crypt.Encrypt(ExternalDtd), "MalformedXml"),
            Safe("safe: decrypted payload is not XML", crypt.Encrypt("hello"), "MalformedXml"),
        ];
    }
}
