using System.Globalization;
using System.Net;
using System.Security.Cryptography;
using System.Text;
using Microsoft.Extensions.DependencyInjection;
using WechatLoyalty.Wechat.Pay;
using WechatLoyalty.Wechat.Pay.Certificates;
using WechatLoyalty.Wechat.Pay.Refunds;
using WechatLoyalty.Wechat.Pay.Transactions;

namespace WechatLoyalty.Wechat.Tests.EndToEnd;

/// <summary>
/// Every WechatPayClient call signed by our handler and verified by the strict simulator (and its answers verified by
/// us), plus notifications delivered to our receiver, verified and decrypted with WechatPayNotificationParser.
/// </summary>
public sealed class PayEndToEndTests(SimulatorBackendFixture fixture) : IClassFixture<SimulatorBackendFixture>
{
    private WechatPayClient Client => fixture.Backend.GetRequiredService<WechatPayClient>();

    [Fact]
    public async Task JsapiPrepay_ReturnsPrepayId_WhenRequestIsSignedWithMerchantKey()
    {
        var (user, outTradeNo, prepayId) = await PrepayAsync(total: 12800);

        Assert.StartsWith("wx", prepayId, StringComparison.Ordinal);
        lock (fixture.Sim.State.Gate)
        {
            var order = fixture.Sim.State.Orders[outTradeNo];
            Assert.Equal(prepayId, order.PrepayId);
            Assert.Equal(user.MiniOpenId, order.PayerOpenId);
            Assert.Equal(fixture.MiniAppId, order.AppId);
            Assert.Equal(fixture.Receiver.PayNotifyUrl(outTradeNo), order.NotifyUrl);
            Assert.Equal("member:42", order.Attach);
        }
    }

    [Fact]
    public async Task JsapiPrepay_ReturnsSamePrepayId_WhenResentWithSameFields()
    {
        var user = await fixture.CreateUserAsync();
        var outTradeNo = NewOutTradeNo();

        var first = await Client.JsapiPrepayAsync(Order(user, outTradeNo, 500));
        var again = await Client.JsapiPrepayAsync(Order(user, outTradeNo, 500));
        var changed = await Assert.ThrowsAsync<WechatPayException>(() => Client.JsapiPrepayAsync(Order(user, outTradeNo, 600)));

        Assert.Equal(first.PrepayId, again.PrepayId);
        Assert.Equal("OUT_TRADE_NO_USED", changed.Code);
        Assert.Equal(HttpStatusCode.BadRequest, changed.StatusCode);
        Assert.EndsWith("-268498688", changed.RequestId, StringComparison.Ordinal);
    }

    [Fact]
    public async Task RequestPaymentParameters_VerifyWithMerchantPublicKey_WhenBuiltForPrepayId()
    {
        var (_, _, prepayId) = await PrepayAsync();
        var builder = fixture.Backend.GetRequiredService<RequestPaymentBuilder>();

        var parameters = builder.Build(fixture.MiniAppId, prepayId);

        Assert.Equal("prepay_id=" + prepayId, parameters.Package);
        Assert.Equal("RSA", parameters.SignType);
        Assert.InRange(long.Parse(parameters.TimeStamp, CultureInfo.InvariantCulture),
            DateTimeOffset.UtcNow.ToUnixTimeSeconds() - 5, DateTimeOffset.UtcNow.ToUnixTimeSeconds() + 5);
        var message = Encoding.UTF8.GetBytes($"{fixture.MiniAppId}\n{parameters.TimeStamp}\n{parameters.NonceStr}\n{parameters.Package}\n");
        Assert.True(fixture.Sim.Keys.MerchantPublicKey.VerifyData(message, Convert.FromBase64String(parameters.PaySign),
            HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1));
    }

    [Fact]
    public async Task PaymentNotification_IsVerifiedDecryptedAndAcknowledged_WhenUserPays()
    {
        var (user, outTradeNo, prepayId) = await PrepayAsync(total: 12800);

        var paid = await fixture.SimPostAsync($"/sim/pay/{prepayId}/pay", new { payer_total = 11800 });

        var received = Assert.Single(await fixture.Receiver.WaitForNotificationsAsync(outTradeNo, 1));
        Assert.Null(received.Error);
        Assert.Equal(204, received.AnsweredStatus);
        var notification = received.Transaction;
        Assert.Equal("TRANSACTION.SUCCESS", notification.EventType);
        Assert.Equal(paid.GetProperty("notification_id").GetString(), notification.Envelope.Id);
        var transaction = notification.Resource;
        Assert.Equal(outTradeNo, transaction.OutTradeNo);
        Assert.Equal(paid.GetProperty("transaction_id").GetString(), transaction.TransactionId);
        Assert.Equal("SUCCESS", transaction.TradeState);
        Assert.Equal(12800, transaction.Amount!.Total);
        Assert.Equal(11800, transaction.Amount.PayerTotal);
        Assert.Equal(user.MiniOpenId, transaction.Payer!.Openid);
        Assert.Equal(fixture.Sim.Options.Pay.MchId, transaction.Mchid);
        Assert.Equal("member:42", transaction.Attach);
        Assert.NotNull(transaction.SuccessTime);
        await AssertDeliveredAsync(outTradeNo, [204]);
    }

    [Fact]
    public async Task PaymentNotification_IsRetriedUntilAcknowledged_WhenFirstDeliveryGets500()
    {
        var (_, outTradeNo, prepayId) = await PrepayAsync(total: 990);
        fixture.Receiver.Script(outTradeNo, 500);

        var paid = await fixture.SimPostAsync($"/sim/pay/{prepayId}/pay");

        var received = await fixture.Receiver.WaitForNotificationsAsync(outTradeNo, 2);
        Assert.Equal(new[] { 500, 204 }, received.Select(r => r.AnsweredStatus));
        // The retry is the same notification (same id and resource), freshly signed: it verifies too.
        Assert.All(received, r => Assert.Equal(paid.GetProperty("transaction_id").GetString(), r.Transaction.Resource.TransactionId));
        Assert.Equal(received[0].Transaction.Envelope.Id, received[1].Transaction.Envelope.Id);
        await AssertDeliveredAsync(outTradeNo, [500, 204]);
    }

    [Fact]
    public async Task QueryByOutTradeNoAndByTransactionId_ReturnSuccess_WhenOrderIsPaid()
    {
        var (user, outTradeNo, prepayId) = await PrepayAsync(total: 4200);
        var paid = await fixture.SimPostAsync($"/sim/pay/{prepayId}/pay");
        var transactionId = paid.GetProperty("transaction_id").GetString()!;

        var byOutTradeNo = await Client.QueryByOutTradeNoAsync(outTradeNo);
        var byTransactionId = await Client.QueryByTransactionIdAsync(transactionId);

        foreach (var transaction in new[] { byOutTradeNo, byTransactionId })
        {
            Assert.Equal("SUCCESS", transaction.TradeState);
            Assert.Equal(outTradeNo, transaction.OutTradeNo);
            Assert.Equal(transactionId, transaction.TransactionId);
            Assert.Equal(4200, transaction.Amount!.Total);
            Assert.Equal(4200, transaction.Amount.PayerTotal);
            Assert.Equal(user.MiniOpenId, transaction.Payer!.Openid);
            Assert.Equal("JSAPI", transaction.TradeType);
        }
    }

    [Fact]
    public async Task QueryByOutTradeNo_ReturnsNotPay_WhenOrderIsUnpaid()
    {
        var (_, outTradeNo, _) = await PrepayAsync();

        var transaction = await Client.QueryByOutTradeNoAsync(outTradeNo);

        Assert.Equal("NOTPAY", transaction.TradeState);
        Assert.Null(transaction.TransactionId);
    }

    [Fact]
    public async Task QueryByTransactionId_ThrowsOrderNotExist_WhenIdIsUnknown()
    {
        var ex = await Assert.ThrowsAsync<WechatPayException>(() => Client.QueryByTransactionIdAsync("4200000000202501010000000000"));

        Assert.Equal(HttpStatusCode.NotFound, ex.StatusCode);
        Assert.Equal("ORDER_NOT_EXIST", ex.Code);
    }

    [Fact]
    public async Task Close_SucceedsAndOrderIsClosed_WhenOrderIsUnpaid()
    {
        var (_, outTradeNo, _) = await PrepayAsync();

        await Client.CloseAsync(outTradeNo);

        Assert.Equal("CLOSED", (await Client.QueryByOutTradeNoAsync(outTradeNo)).TradeState);
        Assert.Contains(fixture.Wire.Calls, c => c.Path == $"/v3/pay/transactions/out-trade-no/{outTradeNo}/close" && c.Status == HttpStatusCode.NoContent);
    }

    [Fact]
    public async Task Close_ThrowsOrderPaid_WhenOrderIsPaid()
    {
        var (_, outTradeNo, prepayId) = await PrepayAsync();
        await fixture.SimPostAsync($"/sim/pay/{prepayId}/pay");

        var ex = await Assert.ThrowsAsync<WechatPayException>(() => Client.CloseAsync(outTradeNo));

        Assert.Equal(HttpStatusCode.BadRequest, ex.StatusCode);
        Assert.Equal("ORDERPAID", ex.Code);
        Assert.NotEmpty(ex.ErrorMessage);
        Assert.Equal("SUCCESS", (await Client.QueryByOutTradeNoAsync(outTradeNo)).TradeState);
    }

    [Fact]
    public async Task Refund_IsAcceptedQueriedAndNotified_WhenOrderIsPaid()
    {
        var (_, outTradeNo, prepayId) = await PrepayAsync(total: 10000);
        var paid = await fixture.SimPostAsync($"/sim/pay/{prepayId}/pay", new { payer_total = 8000 });
        var outRefundNo = "RF" + outTradeNo;

        var accepted = await Client.CreateRefundAsync(new RefundDomesticRefundsRequest
        {
            OutTradeNo = outTradeNo,
            OutRefundNo = outRefundNo,
            Reason = "退货 ST001",
            NotifyUrl = fixture.Receiver.RefundNotifyUrl(outRefundNo),
            Amount = new() { Refund = 2500, Total = 10000 },
        });
        var queried = await Client.QueryRefundAsync(outRefundNo);

        Assert.Equal(outRefundNo, accepted.OutRefundNo);
        Assert.Equal(paid.GetProperty("transaction_id").GetString(), accepted.TransactionId);
        Assert.NotEmpty(accepted.RefundId);
        Assert.Equal(accepted.RefundId, queried.RefundId);
        Assert.Contains(queried.Status, new[] { "PROCESSING", "SUCCESS" });
        Assert.Equal(2500, queried.Amount!.Refund);
        Assert.Equal(10000, queried.Amount.Total);

        var received = Assert.Single(await fixture.Receiver.WaitForNotificationsAsync(outRefundNo, 1));
        Assert.Null(received.Error);
        Assert.Equal(204, received.AnsweredStatus);
        var refund = received.Refund;
        Assert.Equal("REFUND.SUCCESS", refund.EventType);
        Assert.Equal("SUCCESS", refund.Resource.RefundStatus);
        Assert.Equal(outRefundNo, refund.Resource.OutRefundNo);
        Assert.Equal(outTradeNo, refund.Resource.OutTradeNo);
        Assert.Equal(accepted.RefundId, refund.Resource.RefundId);
        Assert.Equal(2500, refund.Resource.Amount!.Refund);
        Assert.Equal(10000, refund.Resource.Amount.Total);
        Assert.Equal(2000, refund.Resource.Amount.PayerRefund); // pro rata of what the user paid (8000 of 10000)

        var completed = await Client.QueryRefundAsync(outRefundNo);
        Assert.Equal("SUCCESS", completed.Status);
        Assert.NotNull(completed.SuccessTime);
        Assert.Equal("REFUND", (await Client.QueryByOutTradeNoAsync(outTradeNo)).TradeState);
    }

    [Fact]
    public async Task CreateRefund_ReturnsSameRefund_WhenRetriedWithSameOutRefundNo()
    {
        var (_, outTradeNo, prepayId) = await PrepayAsync(total: 3000);
        var transactionId = (await fixture.SimPostAsync($"/sim/pay/{prepayId}/pay")).GetProperty("transaction_id").GetString();
        RefundDomesticRefundsRequest Request() => new()
        {
            TransactionId = transactionId,
            OutRefundNo = "RF" + outTradeNo,
            NotifyUrl = fixture.Receiver.RefundNotifyUrl("RF" + outTradeNo),
            Amount = new() { Refund = 3000, Total = 3000 },
        };

        var first = await Client.CreateRefundAsync(Request());
        var again = await Client.CreateRefundAsync(Request());

        Assert.Equal(first.RefundId, again.RefundId);
        lock (fixture.Sim.State.Gate)
        {
            Assert.Single(fixture.Sim.State.Orders[outTradeNo].Refunds);
        }
    }

    [Fact]
    public async Task CreateRefund_ThrowsInvalidRequest_WhenOrderIsUnpaid()
    {
        var (_, outTradeNo, _) = await PrepayAsync(total: 3000);

        var ex = await Assert.ThrowsAsync<WechatPayException>(() => Client.CreateRefundAsync(new RefundDomesticRefundsRequest
        {
            OutTradeNo = outTradeNo,
            OutRefundNo = "RF" + outTradeNo,
            Amount = new() { Refund = 100, Total = 3000 },
        }));

        Assert.Equal("INVALID_REQUEST", ex.Code);
    }

    [Fact]
    public async Task JsapiPrepay_ThrowsSignError_WhenMerchantKeyDoesNotMatchCertificate()
    {
        using var otherKey = RSA.Create(2048);
        var backend = fixture.CreateBackend(s => s["Wechat:Pay:MerchantPrivateKeyPem"] = otherKey.ExportPkcs8PrivateKeyPem());
        var user = await fixture.CreateUserAsync();

        var ex = await Assert.ThrowsAsync<WechatPayException>(() =>
            backend.GetRequiredService<WechatPayClient>().JsapiPrepayAsync(Order(user, NewOutTradeNo(), 100)));

        Assert.Equal(HttpStatusCode.Unauthorized, ex.StatusCode);
        Assert.Equal("SIGN_ERROR", ex.Code);
        Assert.EndsWith("-268443699", ex.RequestId, StringComparison.Ordinal);
        Assert.Equal("/v3/pay/transactions/jsapi",
            ex.Detail!.Value.GetProperty("sign_information").GetProperty("url").GetString());
    }

    [Fact]
    public async Task JsapiPrepay_ThrowsSignError_WhenSerialIsNotTheMerchantCertificates()
    {
        var backend = fixture.CreateBackend(s => s["Wechat:Pay:MerchantCertificateSerial"] = "5157F09EFDC096DE15EBE81A47057A7232F1B8E1");
        var user = await fixture.CreateUserAsync();

        var ex = await Assert.ThrowsAsync<WechatPayException>(() =>
            backend.GetRequiredService<WechatPayClient>().JsapiPrepayAsync(Order(user, NewOutTradeNo(), 100)));

        Assert.Equal("SIGN_ERROR", ex.Code);
    }

    [Fact]
    public async Task QueryByOutTradeNo_FailsVerification_WhenPlatformPublicKeyIsNotWechats()
    {
        using var otherKey = RSA.Create(2048);
        var backend = fixture.CreateBackend(s => s["Wechat:Pay:PlatformPublicKeyPem"] = otherKey.ExportSubjectPublicKeyInfoPem());
        var (_, outTradeNo, _) = await PrepayAsync();

        var ex = await Assert.ThrowsAsync<WechatPayVerificationException>(() =>
            backend.GetRequiredService<WechatPayClient>().QueryByOutTradeNoAsync(outTradeNo));

        Assert.Equal(WechatPayVerificationError.BadSignature, ex.Reason);
    }

    [Fact]
    public async Task PlatformCertificates_AreDownloadedAndVerifyAnswers_WhenMerchantUsesCertificateMode()
    {
        var backend = fixture.CreateBackend(s =>
        {
            s.Remove("Wechat:Pay:PlatformPublicKeyId");
            s.Remove("Wechat:Pay:PlatformPublicKeyPem");
            s["Wechat:Pay:UsePlatformCertificates"] = "true";
        });
        var (_, outTradeNo, _) = await PrepayAsync();

        var certificates = await backend.GetRequiredService<PlatformCertificateDownloader>().RefreshAsync();
        var transaction = await backend.GetRequiredService<WechatPayClient>().QueryByOutTradeNoAsync(outTradeNo);

        var certificate = Assert.Single(certificates);
        Assert.Equal(fixture.Sim.Keys.PlatformCertificate.Thumbprint, certificate.Thumbprint);
        var keys = backend.GetRequiredService<WechatPayPlatformKeys>();
        Assert.Equal(CertificateSerial.Of(certificate), keys.PreferredSerial);
        Assert.Equal("NOTPAY", transaction.TradeState);
    }

    private async Task AssertDeliveredAsync(string outTradeNo, int[] statuses)
    {
        // The simulator records the attempt after our answer; give it a moment.
        for (var i = 0; i < 200; i++)
        {
            lock (fixture.Sim.State.Gate)
            {
                var notification = fixture.Sim.State.Notifications.Single(n => n.BusinessKey == outTradeNo);
                if (notification.Status == "delivered")
                {
                    Assert.Equal(statuses, notification.Attempts.Select(a => a.HttpStatus ?? 0));
                    return;
                }
            }

            await Task.Delay(10);
        }

        Assert.Fail($"notification for {outTradeNo} was not marked delivered");
    }

    private static string NewOutTradeNo() => "E2E" + Convert.ToHexString(RandomNumberGenerator.GetBytes(10));

    private PayTransactionsJsapiRequest Order(TestUser user, string outTradeNo, int total) => new()
    {
        Description = "Store ST001 purchase 🛍",
        OutTradeNo = outTradeNo,
        Attach = "member:42",
        NotifyUrl = fixture.Receiver.PayNotifyUrl(outTradeNo),
        Amount = new() { Total = total },
        Payer = new() { Openid = user.MiniOpenId },
    };

    private async Task<(TestUser User, string OutTradeNo, string PrepayId)> PrepayAsync(int total = 1000)
    {
        var user = await fixture.CreateUserAsync();
        var outTradeNo = NewOutTradeNo();
        var response = await Client.JsapiPrepayAsync(Order(user, outTradeNo, total));
        return (user, outTradeNo, response.PrepayId);
    }
}
