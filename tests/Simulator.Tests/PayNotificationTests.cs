using System.Text.Json;
using WechatLoyalty.Simulator.Tests.Infrastructure;

namespace WechatLoyalty.Simulator.Tests;

public class PayNotificationTests(SimulatorFixture fixture) : IClassFixture<SimulatorFixture>
{
    private readonly PayClient _pay = new(fixture);

    [Fact]
    public async Task Pay_DeliversTransactionSuccess_SignedWithPlatformKeyAndDecryptableWithApiV3Key()
    {
        var (openId, outTradeNo, prepayId) = await _pay.PrepayAsync(total: 12800);

        await fixture.PostAsync($"/sim/pay/{prepayId}/pay");
        var received = (await fixture.Receiver.WaitForAsync(outTradeNo, 1)).Single();

        var h = received.Headers;
        Assert.Equal("PUB_KEY_ID_0114000000SIMULATOR01", h["Wechatpay-Serial"]);
        Assert.Equal("WECHATPAY2-SHA256-RSA2048", h["Wechatpay-Signature-Type"]);
        Assert.True(Math.Abs(DateTimeOffset.UtcNow.ToUnixTimeSeconds() - long.Parse(h["Wechatpay-Timestamp"], System.Globalization.CultureInfo.InvariantCulture)) < 300);
        Assert.True(OurSide.VerifyWechatpaySignature(fixture.Sim.Keys.PlatformPublicKeyPem, h["Wechatpay-Timestamp"], h["Wechatpay-Nonce"], received.Body, h["Wechatpay-Signature"]));
        Assert.False(OurSide.VerifyWechatpaySignature(fixture.Sim.Keys.PlatformPublicKeyPem, h["Wechatpay-Timestamp"], h["Wechatpay-Nonce"], received.Body + " ", h["Wechatpay-Signature"]));
        var envelope = JsonDocument.Parse(received.Body).RootElement;
        Assert.Equal("TRANSACTION.SUCCESS", envelope.GetProperty("event_type").GetString());
        Assert.Equal("transaction", envelope.GetProperty("resource").GetProperty("associated_data").GetString());
        Assert.Equal(12, envelope.GetProperty("resource").GetProperty("nonce").GetString()!.Length);
        var transaction = OurSide.DecryptResource(received.Body, "sim0apiv3key0123456789abcdefABCD");
        Assert.Equal(outTradeNo, transaction.GetProperty("out_trade_no").GetString());
        Assert.Equal("SUCCESS", transaction.GetProperty("trade_state").GetString());
        Assert.Equal(openId, transaction.GetProperty("payer").GetProperty("openid").GetString());
        Assert.Equal(12800, transaction.GetProperty("amount").GetProperty("total").GetInt32());
        Assert.Equal("member:42", transaction.GetProperty("attach").GetString());
        Assert.ThrowsAny<System.Security.Cryptography.CryptographicException>(() => OurSide.DecryptResource(received.Body, "0123456789abcdef0123456789abcdef"));
    }

    [Fact]
    public async Task Pay_RetriesOnWechatSchedule_UntilReceiverAnswers204()
    {
        var (_, outTradeNo, prepayId) = await _pay.PrepayAsync();
        fixture.Receiver.Script(outTradeNo, 500, 500, 503, 204);

        var paid = await fixture.PostAsync($"/sim/pay/{prepayId}/pay");
        var received = await fixture.Receiver.WaitForAsync(outTradeNo, 4);
        await Task.Delay(300); // a fifth attempt would come 180 ms (3 min × 0.001) after the fourth

        var notificationId = paid.GetProperty("notification_id").GetString();
        var recorded = (await fixture.GetAsync("/sim/notifications")).EnumerateArray().Single(n => n.GetProperty("id").GetString() == notificationId);
        var attempts = recorded.GetProperty("attempts").EnumerateArray().ToList();
        Assert.Equal(4, fixture.Receiver.For(outTradeNo).Count);
        Assert.Equal([500, 500, 503, 204], attempts.Select(a => a.GetProperty("http_status").GetInt32()));
        Assert.Equal("delivered", recorded.GetProperty("status").GetString());
        // 15 s, 15 s, 30 s scaled by 0.001: the third retry waits about twice as long as the first.
        Assert.True(received[3].At - received[2].At >= TimeSpan.FromMilliseconds(25));
        Assert.Single(received.Select(r => r.Body).Distinct());
    }

    [Fact]
    public async Task Pay_DeliversTwice_WhenDuplicateRateIsOne()
    {
        await fixture.SetFaultsAsync(new { duplicate_rate = 1.0, concurrent_duplicates = true });
        try
        {
            var (_, outTradeNo, prepayId) = await _pay.PrepayAsync();

            await fixture.PostAsync($"/sim/pay/{prepayId}/pay");
            var received = await fixture.Receiver.WaitForAsync(outTradeNo, 2);

            Assert.Equal(2, received.Count);
            Assert.Equal(received[0].Body, received[1].Body);
            Assert.True((received[1].At - received[0].At).Duration() < TimeSpan.FromSeconds(1));
        }
        finally
        {
            await fixture.SetFaultsAsync(new { duplicate_rate = 0.0, concurrent_duplicates = false });
        }
    }

    [Fact]
    public async Task Pay_RecordsTimeoutAndRetries_WhenReceiverUnreachable()
    {
        var (_, outTradeNo, prepayId) = await _pay.PrepayAsync(notifyUrl: "http://127.0.0.1:9/notify");

        var paid = await fixture.PostAsync($"/sim/pay/{prepayId}/pay");
        await Task.Delay(200);

        var notificationId = paid.GetProperty("notification_id").GetString();
        var recorded = (await fixture.GetAsync("/sim/notifications")).EnumerateArray().Single(n => n.GetProperty("id").GetString() == notificationId);
        Assert.Equal(outTradeNo, recorded.GetProperty("business_key").GetString());
        Assert.True(recorded.GetProperty("attempts").GetArrayLength() >= 2);
        Assert.All(recorded.GetProperty("attempts").EnumerateArray(), a => Assert.Equal(JsonValueKind.Null, a.GetProperty("http_status").ValueKind));
        Assert.Equal("pending", recorded.GetProperty("status").GetString());
    }
}
