using System.Text.Json;
using WechatLoyalty.Simulator.Tests.Infrastructure;

namespace WechatLoyalty.Simulator.Tests;

public class RefundTests(SimulatorFixture fixture) : IClassFixture<SimulatorFixture>
{
    private readonly PayClient _pay = new(fixture);

    private async Task<(string OutTradeNo, string TransactionId)> PaidOrderAsync(int total, int? payerTotal = null)
    {
        var (_, outTradeNo, prepayId) = await _pay.PrepayAsync(total);
        var paid = await fixture.PostAsync($"/sim/pay/{prepayId}/pay", new { payer_total = payerTotal ?? total });
        await fixture.Receiver.WaitForAsync(outTradeNo, 1);
        return (outTradeNo, paid.GetProperty("transaction_id").GetString()!);
    }

    private static object RefundBody(string outRefundNo, int refund, int total, string? transactionId = null, string? outTradeNo = null,
        string? notifyUrl = null) => new Dictionary<string, object?>
    {
        ["transaction_id"] = transactionId,
        ["out_trade_no"] = outTradeNo,
        ["out_refund_no"] = outRefundNo,
        ["reason"] = "customer return",
        ["notify_url"] = notifyUrl,
        ["amount"] = new { refund, total, currency = "CNY" },
    }.Where(p => p.Value is not null).ToDictionary(p => p.Key, p => p.Value);

    [Fact]
    public async Task Refund_ReturnsProcessing_ThenDeliversRefundSuccessNotification()
    {
        var (outTradeNo, transactionId) = await PaidOrderAsync(1000, payerTotal: 800);
        var outRefundNo = "RF" + outTradeNo;

        var created = await _pay.PostAsync("/v3/refund/domestic/refunds",
            RefundBody(outRefundNo, 500, 1000, transactionId: transactionId, notifyUrl: fixture.Receiver.NotifyUrl(outRefundNo)));
        var received = (await fixture.Receiver.WaitForAsync(outRefundNo, 1)).Single();
        var queried = await _pay.GetAsync($"/v3/refund/domestic/refunds/{outRefundNo}");
        var order = await _pay.GetAsync($"/v3/pay/transactions/out-trade-no/{outTradeNo}?mchid=1900000001");

        Assert.Equal(200, created.Status);
        Assert.True(created.SignatureVerified);
        Assert.Equal("PROCESSING", created.Body.GetProperty("status").GetString());
        Assert.Equal(400, created.Body.GetProperty("amount").GetProperty("payer_refund").GetInt32());
        var envelope = JsonDocument.Parse(received.Body).RootElement;
        Assert.Equal("REFUND.SUCCESS", envelope.GetProperty("event_type").GetString());
        Assert.Equal("refund", envelope.GetProperty("resource").GetProperty("associated_data").GetString());
        Assert.True(OurSide.VerifyWechatpaySignature(fixture.Sim.Keys.PlatformPublicKeyPem, received.Headers["Wechatpay-Timestamp"],
            received.Headers["Wechatpay-Nonce"], received.Body, received.Headers["Wechatpay-Signature"]));
        var resource = OurSide.DecryptResource(received.Body, fixture.Sim.Keys.ApiV3Key);
        Assert.Equal("SUCCESS", resource.GetProperty("refund_status").GetString());
        Assert.False(resource.TryGetProperty("status", out _));
        Assert.Equal(outRefundNo, resource.GetProperty("out_refund_no").GetString());
        Assert.Equal(500, resource.GetProperty("amount").GetProperty("refund").GetInt32());
        Assert.Equal("SUCCESS", queried.Body.GetProperty("status").GetString());
        Assert.Equal("REFUND", order.Body.GetProperty("trade_state").GetString());
    }

    [Fact]
    public async Task Refund_IsIdempotent_WhenSameOutRefundNoRetried()
    {
        var (outTradeNo, _) = await PaidOrderAsync(1000);
        var body = RefundBody("RF1" + outTradeNo, 600, 1000, outTradeNo: outTradeNo);

        var first = await _pay.PostAsync("/v3/refund/domestic/refunds", body);
        var retry = await _pay.PostAsync("/v3/refund/domestic/refunds", body);
        var conflicting = await _pay.PostAsync("/v3/refund/domestic/refunds", RefundBody("RF1" + outTradeNo, 300, 1000, outTradeNo: outTradeNo));

        Assert.Equal(first.Body.GetProperty("refund_id").GetString(), retry.Body.GetProperty("refund_id").GetString());
        Assert.Equal(400, conflicting.Status);
    }

    [Fact]
    public async Task Refund_Returns400_WhenTotalRefundsWouldExceedPaidAmount()
    {
        var (outTradeNo, _) = await PaidOrderAsync(1000);
        await _pay.PostAsync("/v3/refund/domestic/refunds", RefundBody("RFa" + outTradeNo, 700, 1000, outTradeNo: outTradeNo));

        var tooMuch = await _pay.PostAsync("/v3/refund/domestic/refunds", RefundBody("RFb" + outTradeNo, 301, 1000, outTradeNo: outTradeNo));
        var rest = await _pay.PostAsync("/v3/refund/domestic/refunds", RefundBody("RFc" + outTradeNo, 300, 1000, outTradeNo: outTradeNo));
        var wrongTotal = await _pay.PostAsync("/v3/refund/domestic/refunds", RefundBody("RFd" + outTradeNo, 1, 999, outTradeNo: outTradeNo));

        Assert.Equal((400, "INVALID_REQUEST"), (tooMuch.Status, tooMuch.Code));
        Assert.Equal(200, rest.Status);
        Assert.Equal((400, "PARAM_ERROR"), (wrongTotal.Status, wrongTotal.Code));
    }

    [Fact]
    public async Task Refund_RejectsThe51stPartialRefund()
    {
        var (outTradeNo, _) = await PaidOrderAsync(100);
        for (var i = 0; i < 50; i++)
        {
            var ok = await _pay.PostAsync("/v3/refund/domestic/refunds", RefundBody($"RF{i}x{outTradeNo}", 1, 100, outTradeNo: outTradeNo));
            Assert.Equal(200, ok.Status);
        }

        var fiftyFirst = await _pay.PostAsync("/v3/refund/domestic/refunds", RefundBody($"RF50x{outTradeNo}", 1, 100, outTradeNo: outTradeNo));

        Assert.Equal("RULE_LIMIT", fiftyFirst.Code);
    }

    [Fact]
    public async Task Refund_Returns400_WhenOrderUnpaid_And404_WhenUnknown()
    {
        var (_, outTradeNo, _) = await _pay.PrepayAsync();

        var unpaid = await _pay.PostAsync("/v3/refund/domestic/refunds", RefundBody("RF" + outTradeNo, 1, 12800, outTradeNo: outTradeNo));
        var unknown = await _pay.PostAsync("/v3/refund/domestic/refunds", RefundBody("RFX" + outTradeNo, 1, 12800, outTradeNo: "LPNOSUCHORDER"));

        Assert.Equal(400, unpaid.Status);
        Assert.Equal(404, unknown.Status);
    }
}
