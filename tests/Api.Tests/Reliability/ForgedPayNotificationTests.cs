using System.Net;
using System.Text.Json;
using WechatLoyalty.Api.Tests.Infrastructure;
using WechatLoyalty.Api.Tests.Payments;
using Xunit.Abstractions;

namespace WechatLoyalty.Api.Tests.Reliability;

/// <summary>
/// A corpus of forged and malformed WeChat Pay notifications. Each one is refused with a 4xx (so it is not
/// retried as if we were down, and never acknowledged as if it were recorded), changes no row of any table, and
/// leaves a log line that says why. The cases cover every step: headers, freshness, key, signature, envelope,
/// AES-GCM, resource, and "is it ours" (merchant, app, order, amount).
/// </summary>
public class ForgedPayNotificationTests(LoyaltyApiFactory factory, ITestOutputHelper output) : IClassFixture<LoyaltyApiFactory>
{
    /// <summary>A bad notification and the words its log line must contain; <paramref name="Status"/> when not a plain 4xx.</summary>
    private sealed record Case(string Name, PaySpec Spec, string Why, int? Status = null);

    [Fact]
    public async Task EveryForgedOrMalformedNotification_Is4xx_WritesNothing_AndLogsWhy()
    {
        var customer = await Shop.CustomerAsync(factory);
        var unpaid = await Shop.OrderAsync(customer.Client, 10_000);
        var paid = await Shop.PayAsync(factory, await Shop.OrderAsync(customer.Client, 5_000));
        await Shop.EventuallyAsync(() => Shop.PaymentRecordedAsync(factory, paid.TransactionId));
        var cases = Corpus(unpaid, paid);
        Assert.True(cases.Count >= 50, $"the corpus has {cases.Count} cases");

        using var client = factory.CreateClient();
        var failures = new List<string>();
        foreach (var c in cases)
        {
            var before = await TableRows.CountAsync(factory.DatabaseConnectionString);
            var mark = factory.Logs.Mark();
            using var request = ForgedPay.Request(factory, c.Spec);
            using var response = await client.SendAsync(request);
            var reply = await response.Content.ReadAsStringAsync();
            var after = await TableRows.CountAsync(factory.DatabaseConnectionString);
            var logs = factory.Logs.Since(mark).Where(m => m.Contains("Pay notification", StringComparison.Ordinal)).ToList();
            output.WriteLine($"{c.Name}: {(int)response.StatusCode} {reply} | {string.Join(" / ", logs)}");

            var status = (int)response.StatusCode;
            if (c.Status is { } expected ? status != expected : status is < 400 or >= 500) failures.Add($"{c.Name}: HTTP {status} {reply}");
            if (TableRows.Changed(before, after) is { Count: > 0 } changed) failures.Add($"{c.Name}: wrote {string.Join(", ", changed)}");
            if (!logs.Any(l => l.Contains(c.Why, StringComparison.OrdinalIgnoreCase)))
                failures.Add($"{c.Name}: no log line saying '{c.Why}' (logged: {string.Join(" / ", logs)})");
        }
        Assert.True(failures.Count == 0, string.Join("\n", failures));
    }

    private List<Case> Corpus(string unpaidOrder, SimPayment paid)
    {
        var mch = factory.Simulator.Options.Pay.MchId;
        var app = factory.Simulator.Options.MiniProgram.AppId;
        var good = Transaction(unpaidOrder, 10_000, mch, app);
        string Tx(Action<Dictionary<string, object?>> change)
        {
            var t = Transaction(unpaidOrder, 10_000, mch, app);
            change(t);
            return JsonSerializer.Serialize(t);
        }
        string Refund(Action<Dictionary<string, object?>> change)
        {
            var r = new Dictionary<string, object?>
            {
                ["mchid"] = mch, ["out_trade_no"] = paid.OutTradeNo, ["transaction_id"] = paid.TransactionId,
                ["out_refund_no"] = "R" + Guid.NewGuid().ToString("N")[..20], ["refund_id"] = "5030" + Guid.NewGuid().ToString("N")[..24],
                ["refund_status"] = "SUCCESS", ["success_time"] = "2026-11-23T10:00:00+08:00", ["user_received_account"] = "支付用户零钱",
                ["amount"] = new Dictionary<string, object?> { ["total"] = paid.Total, ["refund"] = 100, ["payer_total"] = paid.PayerTotal, ["payer_refund"] = 100 },
            };
            change(r);
            return JsonSerializer.Serialize(r);
        }
        PaySpec Ok(string? plaintext = null) => new() { Plaintext = plaintext ?? JsonSerializer.Serialize(good) };
        PaySpec RefundSpec(string plaintext) => new() { EventType = "REFUND.SUCCESS", OriginalType = "refund", AssociatedData = "refund", Plaintext = plaintext };
        static string Flip(string s, int at) => s[..at] + (s[at] == 'A' ? 'B' : 'A') + s[(at + 1)..];

        return
        [
            // Headers and freshness.
            new("no signature header", Ok() with { OmitHeaders = ["Wechatpay-Signature"] }, "MissingHeaders"),
            new("no timestamp header", Ok() with { OmitHeaders = ["Wechatpay-Timestamp"] }, "MissingHeaders"),
            new("no nonce header", Ok() with { OmitHeaders = ["Wechatpay-Nonce"] }, "MissingHeaders"),
            new("no serial header", Ok() with { OmitHeaders = ["Wechatpay-Serial"] }, "MissingHeaders"),
            new("no Wechatpay headers at all", Ok() with { OmitHeaders = ["Wechatpay-Signature", "Wechatpay-Timestamp", "Wechatpay-Nonce", "Wechatpay-Serial"] }, "MissingHeaders"),
            new("stale timestamp (6 min)", Ok() with { Age = TimeSpan.FromMinutes(6) }, "StaleTimestamp"),
            new("stale timestamp (1 day)", Ok() with { Age = TimeSpan.FromDays(1) }, "StaleTimestamp"),
            new("future timestamp (6 min)", Ok() with { Age = TimeSpan.FromMinutes(-6) }, "FutureTimestamp"),
            new("future timestamp (year 2286)", Ok() with { Timestamp = "9999999999" }, "FutureTimestamp"),
            new("timestamp zero", Ok() with { Timestamp = "0" }, "StaleTimestamp"),
            new("timestamp negative", Ok() with { Timestamp = "-1700000000" }, "MalformedTimestamp"),
            new("timestamp not a number", Ok() with { Timestamp = "yesterday" }, "MalformedTimestamp"),
            new("timestamp overflows a long", Ok() with { Timestamp = "99999999999999999999999" }, "MalformedTimestamp"),
            new("timestamp in milliseconds", Ok() with { Timestamp = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds().ToString() }, "FutureTimestamp"),
            new("header timestamp differs from the signed one", Ok() with { SignedTimestamp = (DateTimeOffset.UtcNow.ToUnixTimeSeconds() - 10).ToString() }, "BadSignature"),
            // Key and signature.
            new("unknown serial", Ok() with { Serial = "PUB_KEY_ID_0114232134912410000000000000" }, "UnknownSerial"),
            new("merchant certificate serial", Ok() with { Serial = factory.Simulator.Keys.MerchantSerialNumber }, "UnknownSerial"),
            new("another merchant's public key id", Ok() with { Serial = "PUB_KEY_ID_" + Random.Shared.NextInt64(10_000_000_000, 99_999_999_999) }, "UnknownSerial"),
            new("signed with a foreign key", Ok() with { ForeignKey = true }, "BadSignature"),
            new("signature not base64", Ok() with { Signature = _ => "not*base64!" }, "BadSignature"),
            new("signature truncated", Ok() with { Signature = s => s[..(s.Length / 2)] }, "BadSignature"),
            new("signature one bit off", Ok() with { Signature = s => Flip(s, 10) }, "BadSignature"),
            new("signature empty", Ok() with { Signature = _ => "" }, "MissingHeaders"),
            new("signature probe", Ok() with { Signature = _ => "WECHATPAY/SIGNTEST/abc" }, "SignatureProbe"),
            new("nonce changed after signing", Ok() with { NonceAfterSigning = "x" + Guid.NewGuid().ToString("N") }, "BadSignature"),
            new("body changed after signing", Ok() with { AfterSigning = b => b.Replace("forged", "forgeD") }, "BadSignature"),
            new("body with a trailing newline added", Ok() with { AfterSigning = b => b + "\n" }, "BadSignature"),
            new("body truncated after signing", Ok() with { AfterSigning = b => b[..(b.Length - 10)] }, "BadSignature"),
            // Envelope (signed, so only the envelope's shape is wrong).
            new("signed body is not JSON", Ok() with { Envelope = _ => "hello wechat" }, "MalformedBody"),
            new("signed body is truncated JSON", Ok() with { Envelope = b => b[..(b.Length / 2)] }, "MalformedBody"),
            new("signed body is empty", Ok() with { Envelope = _ => "" }, "MalformedBody"),
            new("signed body is a JSON array", Ok() with { Envelope = _ => "[1,2,3]" }, "MalformedBody"),
            new("signed body is JSON null", Ok() with { Envelope = _ => "null" }, "MalformedBody"),
            new("envelope without resource", Ok() with { Envelope = _ => """{"id":"1","event_type":"TRANSACTION.SUCCESS"}""" }, "MalformedBody"),
            new("envelope with resource null", Ok() with { Envelope = _ => """{"id":"1","event_type":"TRANSACTION.SUCCESS","resource":null}""" }, "MalformedBody"),
            new("envelope without event_type", Ok() with { Envelope = b => b.Replace("\"event_type\"", "\"event\"") }, "MalformedBody"),
            new("envelope with a number for event_type", Ok() with { Envelope = b => b.Replace("\"TRANSACTION.SUCCESS\"", "42") }, "MalformedBody"),
            new("resource is a string", Ok() with { Envelope = _ => """{"id":"1","event_type":"TRANSACTION.SUCCESS","resource":"x"}""" }, "MalformedBody"),
            new("signed body is huge", Ok() with { Envelope = b => b.Replace("\"forged\"", "\"" + new string('x', 200_000) + "\"") }, "too large"),
            // AES-GCM.
            new("ciphertext tampered", Ok() with { Ciphertext = c => { c[0] ^= 1; return c; } }, "DecryptionFailed"),
            new("GCM tag tampered", Ok() with { Ciphertext = c => { c[^1] ^= 1; return c; } }, "DecryptionFailed"),
            new("GCM tag removed", Ok() with { Ciphertext = c => c[..^16] }, "DecryptionFailed"),
            new("ciphertext shorter than a tag", Ok() with { Ciphertext = c => c[..8] }, "DecryptionFailed"),
            new("ciphertext not base64", Ok() with { CiphertextText = "%%%not-base64%%%" }, "DecryptionFailed"),
            new("ciphertext empty", Ok() with { CiphertextText = "" }, "MalformedBody"),
            new("associated data changed", Ok() with { AssociatedData = "refund" , Envelope = b => b.Replace("\"associated_data\":\"refund\"", "\"associated_data\":\"transaction\"") }, "DecryptionFailed"),
            new("associated data removed", Ok() with { AssociatedData = "transaction", Envelope = b => b.Replace(",\"associated_data\":\"transaction\"", "") }, "DecryptionFailed"),
            new("resource nonce changed", Ok() with { ResourceNonce = "abcdefghijkl", Envelope = b => b.Replace("abcdefghijkl", "abcdefghijkm") }, "DecryptionFailed"),
            new("resource nonce removed", Ok() with { ResourceNonce = "abcdefghijkl", Envelope = b => b.Replace(",\"nonce\":\"abcdefghijkl\"", "") }, "DecryptionFailed"),
            new("encrypted with another APIv3 key", Ok() with { ApiV3Key = new string('k', 32) }, "DecryptionFailed"),
            new("unsupported algorithm", Ok() with { Algorithm = "AEAD_AES_128_GCM" }, "UnsupportedAlgorithm"),
            // Decrypted resource (authentic wrapper, wrong content).
            new("resource is not JSON", Ok("not json at all"), "malformed"),
            new("resource is JSON null", Ok("null"), "malformed"),
            new("resource is a JSON array", Ok("[]"), "malformed"),
            new("resource has the wrong type for amount", Ok(Tx(t => t["amount"] = "lots")), "malformed at $.amount"),
            new("resource total is a string of letters", Ok(Tx(t => t["amount"] = new Dictionary<string, object?> { ["total"] = "abc" })), "malformed at $.amount.total"),
            new("resource total overflows an int", Ok(Tx(t => t["amount"] = new Dictionary<string, object?> { ["total"] = 1e30 })), "malformed at $.amount.total"),
            new("resource success_time malformed", Ok(Tx(t => t["success_time"] = "yesterday")), "malformed at $.success_time"),
            // Authentic and decryptable, but not ours.
            new("wrong mchid", Ok(Tx(t => t["mchid"] = "1900000109")), "mchid"),
            new("mchid missing", Ok(Tx(t => t.Remove("mchid"))), "mchid"),
            new("wrong appid", Ok(Tx(t => t["appid"] = "wx0000000000000000")), "appid"),
            new("wrong amount", Ok(Tx(t => t["amount"] = new Dictionary<string, object?> { ["total"] = 1, ["payer_total"] = 1, ["currency"] = "CNY" })), "amount"),
            new("amount one fen more", Ok(Tx(t => t["amount"] = new Dictionary<string, object?> { ["total"] = 10_001, ["payer_total"] = 10_001, ["currency"] = "CNY" })), "amount"),
            new("negative amount", Ok(Tx(t => t["amount"] = new Dictionary<string, object?> { ["total"] = -10_000, ["payer_total"] = -10_000, ["currency"] = "CNY" })), "malformed"),
            new("payer paid more than the total", Ok(Tx(t => t["amount"] = new Dictionary<string, object?> { ["total"] = 10_000, ["payer_total"] = 20_000, ["currency"] = "CNY" })), "malformed"),
            new("unknown order", Ok(Tx(t => t["out_trade_no"] = "NOTOURS" + Guid.NewGuid().ToString("N")[..20])), "not our order"),
            new("order number missing", Ok(Tx(t => t.Remove("out_trade_no"))), "not our order"),
            new("transaction id too long", Ok(Tx(t => t["transaction_id"] = new string('4', 40))), "malformed"),
            new("order paid by another transaction", Ok(JsonSerializer.Serialize(Transaction(paid.OutTradeNo, paid.Total, mch, app))), "another transaction"),
            // Refunds.
            new("refund with wrong mchid", RefundSpec(Refund(r => r["mchid"] = "1900000109")), "mchid"),
            // Genuine (it verified) but its payment is not here: it may have overtaken the payment notification, so the
            // answer is a 503 that makes WeChat deliver it again, not a 4xx that would lose it. Still nothing written.
            new("refund for an unknown payment", RefundSpec(Refund(r => r["transaction_id"] = "4200" + Guid.NewGuid().ToString("N")[..28])),
                "before its payment was recorded", Status: 503),
            new("refund whose total differs from the payment", RefundSpec(Refund(r => r["amount"] = new Dictionary<string, object?>
                { ["total"] = paid.Total + 1, ["refund"] = 100, ["payer_total"] = paid.PayerTotal + 1, ["payer_refund"] = 100 })), "no payment"),
            new("refund for the payment under another order number", RefundSpec(Refund(r => r["out_trade_no"] = unpaidOrder)), "no payment"),
            new("refund resource is JSON null", RefundSpec("null"), "malformed"),
            new("refund event with transaction associated data", RefundSpec(Refund(_ => { })) with { AssociatedData = "transaction",
                Envelope = b => b.Replace("\"associated_data\":\"transaction\"", "\"associated_data\":\"refund\"") }, "DecryptionFailed"),
        ];
    }

    private static Dictionary<string, object?> Transaction(string outTradeNo, int total, string mch, string app) => new()
    {
        ["mchid"] = mch, ["appid"] = app, ["out_trade_no"] = outTradeNo, ["transaction_id"] = "4200" + Guid.NewGuid().ToString("N")[..28],
        ["trade_type"] = "JSAPI", ["trade_state"] = "SUCCESS", ["trade_state_desc"] = "支付成功", ["bank_type"] = "OTHERS",
        ["success_time"] = DateTimeOffset.UtcNow.ToOffset(TimeSpan.FromHours(8)).ToString("yyyy-MM-dd'T'HH:mm:sszzz"),
        ["payer"] = new Dictionary<string, object?> { ["openid"] = "oForgedPayer0000000000000000" },
        ["amount"] = new Dictionary<string, object?> { ["total"] = total, ["payer_total"] = total, ["currency"] = "CNY", ["payer_currency"] = "CNY" },
    };
}
