using System.Net;
using System.Text;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using StackExchange.Redis;
using WechatLoyalty.Wechat.Pay;
using WechatLoyalty.Wechat.Pay.Refunds;
using WechatLoyalty.Wechat.Pay.Transactions;
using WechatLoyalty.Wechat.Tests.Support;

namespace WechatLoyalty.Wechat.Tests.Pay;

public sealed class WechatPayClientTests : IDisposable
{
    private readonly TestKeys _keys = new();
    private readonly IConnectionMultiplexer _noRedis = ConnectionMultiplexer.Connect("127.0.0.1:1,abortConnect=false,connectTimeout=100");
    private readonly List<ServiceProvider> _providers = [];
    private int _failuresLeft;

    [Fact]
    public async Task JsapiPrepay_SendsRequestTheMerchantPublicKeyVerifies_AndFillsDefaults()
    {
        var (client, pay) = Create();

        var result = await client.JsapiPrepayAsync(NewOrder());

        Assert.Equal("wx201410272009395522657a690389285100", result.PrepayId);
        Assert.Equal(1, pay.Verified);
        Assert.Empty(pay.Rejections);
    }

    [Fact]
    public async Task JsapiPrepay_SendsJsonWithoutNullsOrEmoji()
    {
        byte[]? sent = null;
        var (client, _) = Create((request, body) => { sent = body; return Prepay(); });
        var order = NewOrder();
        order.Description = "门店消费😀 Store";
        order.Attach = null;

        await client.JsapiPrepayAsync(order);

        var json = Encoding.UTF8.GetString(sent!);
        Assert.DoesNotContain("null", json, StringComparison.Ordinal);
        Assert.DoesNotContain("attach", json, StringComparison.Ordinal);
        using var doc = JsonDocument.Parse(sent!);
        Assert.Equal("门店消费 Store", doc.RootElement.GetProperty("description").GetString());
        Assert.Equal(WechatTestServices.MiniAppId, doc.RootElement.GetProperty("appid").GetString());
        Assert.Equal(TestKeys.MchId, doc.RootElement.GetProperty("mchid").GetString());
        Assert.Equal("https://api.example.com/wechat/pay/notify", doc.RootElement.GetProperty("notify_url").GetString());
        Assert.Equal(12800, doc.RootElement.GetProperty("amount").GetProperty("total").GetInt32());
    }

    [Fact]
    public async Task QueryByOutTradeNo_SignsGetWithEmptyBody_AndParsesTransaction()
    {
        var (client, pay) = Create();

        var transaction = await client.QueryByOutTradeNoAsync("T20250101001");

        Assert.Equal("SUCCESS", transaction.TradeState);
        Assert.Equal(90, transaction.Amount!.PayerTotal);
        Assert.Equal(1, pay.Verified);
    }

    [Fact]
    public async Task QueryByTransactionId_UsesIdPath()
    {
        string? path = null;
        var (client, _) = Create((request, _) => { path = request.RequestUri!.PathAndQuery; return StubHandler.Json(PayNotifications.Transaction); });

        await client.QueryByTransactionIdAsync("4200000000202501010000000001");

        Assert.Equal("/v3/pay/transactions/id/4200000000202501010000000001?mchid=1900000001", path);
    }

    [Fact]
    public async Task Close_Completes_WhenWechatAnswers204()
    {
        string? body = null;
        var (client, pay) = Create((_, b) => { body = Encoding.UTF8.GetString(b); return new HttpResponseMessage(HttpStatusCode.NoContent) { Content = new ByteArrayContent([]) }; });

        await client.CloseAsync("T20250101001");

        Assert.Equal("{\"mchid\":\"1900000001\"}", body);
        Assert.Equal(1, pay.Verified);
    }

    [Fact]
    public async Task CreateAndQueryRefund_ReadStatusField()
    {
        const string refund = "{\"refund_id\":\"5000\",\"out_refund_no\":\"R1\",\"transaction_id\":\"42\",\"out_trade_no\":\"T20250101001\",\"channel\":\"ORIGINAL\",\"status\":\"PROCESSING\",\"create_time\":\"2025-01-02T12:00:00+08:00\",\"amount\":{\"total\":100,\"refund\":40,\"payer_total\":90,\"payer_refund\":36,\"currency\":\"CNY\"}}";
        var (client, _) = Create((_, _) => StubHandler.Json(refund));

        var created = await client.CreateRefundAsync(new RefundDomesticRefundsRequest
        {
            OutTradeNo = "T20250101001", OutRefundNo = "R1", Amount = new() { Refund = 40, Total = 100 },
        });
        var queried = await client.QueryRefundAsync("R1");

        Assert.Equal("PROCESSING", created.Status);
        Assert.Equal(36, queried.Amount!.PayerRefund);
    }

    [Fact]
    public async Task Query_ThrowsTypedPayError_WithCodeAndDetail_AndDoesNotRetry4xx()
    {
        var calls = 0;
        var (client, _) = Create((_, _) =>
        {
            calls++;
            var response = StubHandler.Json("{\"code\":\"ORDER_NOT_EXIST\",\"message\":\"订单不存在\",\"detail\":{\"field\":\"out_trade_no\",\"location\":\"path\"}}", HttpStatusCode.NotFound);
            response.Headers.Add("Request-ID", "08F4-268435456");
            return response;
        });

        var ex = await Assert.ThrowsAsync<WechatPayException>(() => client.QueryByOutTradeNoAsync("NOPE000001"));

        Assert.Equal(HttpStatusCode.NotFound, ex.StatusCode);
        Assert.Equal("ORDER_NOT_EXIST", ex.Code);
        Assert.Equal("out_trade_no", ex.Detail!.Value.GetProperty("field").GetString());
        Assert.Equal("08F4-268435456", ex.RequestId);
        Assert.Equal(1, calls);
    }

    [Fact]
    public async Task Query_RetriesWithFreshSignature_When5xxIsTransient()
    {
        _failuresLeft = 1;
        var (client, pay) = Create((_, _) => _failuresLeft-- > 0
            ? StubHandler.Json("{\"code\":\"SYSTEM_ERROR\",\"message\":\"busy\"}", HttpStatusCode.InternalServerError)
            : StubHandler.Json(PayNotifications.Transaction));

        var transaction = await client.QueryByOutTradeNoAsync("T20250101001");

        Assert.Equal("SUCCESS", transaction.TradeState);
        Assert.Equal(2, pay.Verified);
    }

    [Fact]
    public async Task JsapiPrepay_ThrowsSignError_WhenBodyChangedAfterSigning()
    {
        var (client, pay) = Create(configure: s => s.AddHttpClient(WechatPayClient.HttpClientName).AddHttpMessageHandler(() => new TamperBodyHandler()));

        var ex = await Assert.ThrowsAsync<WechatPayException>(() => client.JsapiPrepayAsync(NewOrder()));

        Assert.Equal("SIGN_ERROR", ex.Code);
        Assert.Equal(HttpStatusCode.Unauthorized, ex.StatusCode);
        Assert.Equal("signature does not verify", Assert.Single(pay.Rejections));
    }

    [Fact]
    public async Task Query_ThrowsMissingHeaders_WhenSuccessAnswerIsUnsigned()
    {
        var (client, pay) = Create();
        pay.SignResponses = false;

        var ex = await Assert.ThrowsAsync<WechatPayVerificationException>(() => client.QueryByOutTradeNoAsync("T20250101001"));

        Assert.Equal(WechatPayVerificationError.MissingHeaders, ex.Reason);
    }

    [Fact]
    public async Task Query_ThrowsBadSignature_WhenAnswerSignedByAnotherKey()
    {
        var (client, pay) = Create();
        using var other = System.Security.Cryptography.RSA.Create(2048);
        pay.ResponseKey = other;

        var ex = await Assert.ThrowsAsync<WechatPayVerificationException>(() => client.QueryByOutTradeNoAsync("T20250101001"));

        Assert.Equal(WechatPayVerificationError.BadSignature, ex.Reason);
    }

    [Fact]
    public async Task JsapiPrepay_ThrowsArgumentException_WhenOutTradeNoInvalid()
    {
        var (client, pay) = Create();
        var order = NewOrder();
        order.OutTradeNo = "bad no!";

        await Assert.ThrowsAsync<ArgumentException>(() => client.JsapiPrepayAsync(order));
        Assert.Equal(0, pay.Verified);
    }

    public void Dispose()
    {
        foreach (var provider in _providers)
        {
            provider.Dispose();
        }

        _noRedis.Dispose();
        _keys.Dispose();
    }

    private static PayTransactionsJsapiRequest NewOrder() => new()
    {
        Description = "Store ST001 purchase",
        OutTradeNo = "LP20250101000123",
        Attach = "member:42;store:ST001",
        Amount = new() { Total = 12800 },
        Payer = new() { Openid = "o_mini_openid" },
    };

    private static HttpResponseMessage Prepay() => StubHandler.Json("{\"prepay_id\":\"wx201410272009395522657a690389285100\"}");

    private static HttpResponseMessage DefaultRoute(HttpRequestMessage request, byte[] body) =>
        request.Method == HttpMethod.Post ? Prepay() : StubHandler.Json(PayNotifications.Transaction);

    private (WechatPayClient Client, FakeWechatPay Pay) Create(
        Func<HttpRequestMessage, byte[], HttpResponseMessage>? route = null, Action<IServiceCollection>? configure = null)
    {
        var pay = new FakeWechatPay(_keys, route ?? DefaultRoute);
        var provider = WechatTestServices.Build(WechatTestServices.Settings(_keys, Guid.NewGuid().ToString("N")), pay.Handler, _noRedis, configure);
        _providers.Add(provider);
        return (provider.GetRequiredService<WechatPayClient>(), pay);
    }

    /// <summary>Changes one body byte after the signing handler ran: WeChat must see a bad signature.</summary>
    private sealed class TamperBodyHandler : DelegatingHandler
    {
        protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            var body = await request.Content!.ReadAsByteArrayAsync(cancellationToken);
            body[^2] ^= 1;
            var content = new ByteArrayContent(body);
            content.Headers.ContentType = request.Content.Headers.ContentType;
            request.Content = content;
            return await base.SendAsync(request, cancellationToken);
        }
    }
}
