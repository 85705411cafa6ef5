using System.Text.Json;
using WechatLoyalty.Simulator.Tests.Infrastructure;

namespace WechatLoyalty.Simulator.Tests;

public class PayOrderTests(SimulatorFixture fixture) : IClassFixture<SimulatorFixture>
{
    private readonly PayClient _pay = new(fixture);

    private async Task<string> MiniOpenIdAsync() => (await fixture.CreateUserAsync()).GetProperty("mini_openid").GetString()!;

    [Fact]
    public async Task Jsapi_ReturnsSamePrepayId_WhenSameOutTradeNoAndIdenticalParams()
    {
        var body = PayClient.JsapiBody(await MiniOpenIdAsync(), PayClient.NewOutTradeNo());

        var first = await _pay.PostAsync("/v3/pay/transactions/jsapi", body);
        var second = await _pay.PostAsync("/v3/pay/transactions/jsapi", body);

        Assert.Equal(first.Body.GetProperty("prepay_id").GetString(), second.Body.GetProperty("prepay_id").GetString());
    }

    [Fact]
    public async Task Jsapi_Returns400OutTradeNoUsed_WhenSameOutTradeNoWithDifferentParams()
    {
        var openId = await MiniOpenIdAsync();
        var outTradeNo = PayClient.NewOutTradeNo();
        await _pay.PostAsync("/v3/pay/transactions/jsapi", PayClient.JsapiBody(openId, outTradeNo, total: 100));

        var changed = await _pay.PostAsync("/v3/pay/transactions/jsapi", PayClient.JsapiBody(openId, outTradeNo, total: 200));

        Assert.Equal(400, changed.Status);
        Assert.Equal("OUT_TRADE_NO_USED", changed.Code);
    }

    [Fact]
    public async Task Jsapi_Returns400ParamError_WhenFieldsBreakWechatRules()
    {
        var openId = await MiniOpenIdAsync();
        var oaOpenId = (await fixture.CreateUserAsync()).GetProperty("oa_openid").GetString()!;

        var emoji = await _pay.PostAsync("/v3/pay/transactions/jsapi", PayClient.JsapiBody(openId, PayClient.NewOutTradeNo(), description: "Coffee ☕🎉"));
        var shortNo = await _pay.PostAsync("/v3/pay/transactions/jsapi", PayClient.JsapiBody(openId, "AB12"));
        var zero = await _pay.PostAsync("/v3/pay/transactions/jsapi", PayClient.JsapiBody(openId, PayClient.NewOutTradeNo(), total: 0));
        var query = await _pay.PostAsync("/v3/pay/transactions/jsapi", PayClient.JsapiBody(openId, PayClient.NewOutTradeNo(), notifyUrl: "https://api.example.com/notify?x=1"));
        var foreignOpenId = await _pay.PostAsync("/v3/pay/transactions/jsapi", PayClient.JsapiBody(oaOpenId, PayClient.NewOutTradeNo()));
        var withNull = await _pay.PostAsync("/v3/pay/transactions/jsapi",
            JsonSerializer.Serialize(PayClient.JsapiBody(openId, PayClient.NewOutTradeNo())).Replace("\"attach\":\"member:42\"", "\"attach\":null", StringComparison.Ordinal));

        Assert.All(new[] { emoji, shortNo, zero, query, foreignOpenId, withNull }, r => Assert.Equal((400, "PARAM_ERROR"), (r.Status, r.Code)));
        Assert.Equal("/payer/openid", foreignOpenId.Body.GetProperty("detail").GetProperty("field").GetString());
    }

    [Fact]
    public async Task Query_ShowsNotPayThenSuccessWithCoupon_WhenUserPays()
    {
        var (openId, outTradeNo, prepayId) = await _pay.PrepayAsync(total: 1000);
        var before = await _pay.GetAsync($"/v3/pay/transactions/out-trade-no/{outTradeNo}?mchid=1900000001");

        var paid = await fixture.PostAsync($"/sim/pay/{prepayId}/pay", new { payer_total = 800 });
        var after = await _pay.GetAsync($"/v3/pay/transactions/out-trade-no/{outTradeNo}?mchid=1900000001");
        var byId = await _pay.GetAsync($"/v3/pay/transactions/id/{paid.GetProperty("transaction_id").GetString()}?mchid=1900000001");

        Assert.Equal("NOTPAY", before.Body.GetProperty("trade_state").GetString());
        Assert.Equal("SUCCESS", after.Body.GetProperty("trade_state").GetString());
        Assert.Equal(800, after.Body.GetProperty("amount").GetProperty("payer_total").GetInt32());
        Assert.Equal(1000, after.Body.GetProperty("amount").GetProperty("total").GetInt32());
        Assert.Equal(openId, after.Body.GetProperty("payer").GetProperty("openid").GetString());
        Assert.Equal(outTradeNo, byId.Body.GetProperty("out_trade_no").GetString());
        Assert.True(after.SignatureVerified);
    }

    [Fact]
    public async Task Close_Returns204_ThenPrepayAgainIsOrderClosed_AndPayingFails()
    {
        var openId = await MiniOpenIdAsync();
        var outTradeNo = PayClient.NewOutTradeNo();
        var body = PayClient.JsapiBody(openId, outTradeNo);
        await _pay.PostAsync("/v3/pay/transactions/jsapi", body);

        var closed = await _pay.PostAsync($"/v3/pay/transactions/out-trade-no/{outTradeNo}/close", new { mchid = "1900000001" });
        var again = await _pay.PostAsync("/v3/pay/transactions/jsapi", body);
        using var pay = await fixture.Http.PostAsync($"/sim/pay/{outTradeNo}/pay", null);

        Assert.Equal(204, closed.Status);
        Assert.True(closed.SignatureVerified);
        Assert.Equal("ORDER_CLOSED", again.Code);
        Assert.Equal(409, (int)pay.StatusCode);
    }

    [Fact]
    public async Task Close_Returns400OrderPaid_WhenOrderPaid()
    {
        var (_, outTradeNo, prepayId) = await _pay.PrepayAsync();
        await fixture.PostAsync($"/sim/pay/{prepayId}/pay");

        var closed = await _pay.PostAsync($"/v3/pay/transactions/out-trade-no/{outTradeNo}/close", new { mchid = "1900000001" });

        Assert.Equal(400, closed.Status);
        Assert.Equal("ORDERPAID", closed.Code);
    }

    [Fact]
    public async Task QueryById_FindsInStorePayment_WhichHasNoNotification()
    {
        var user = await fixture.CreateUserAsync();
        var instore = await fixture.PostAsync("/sim/pay/instore", new { user = user.GetProperty("unionid").GetString(), total = 2500, description = "POS ST001" });

        var byId = await _pay.GetAsync($"/v3/pay/transactions/id/{instore.GetProperty("transaction_id").GetString()}?mchid=1900000001");

        Assert.Equal("SUCCESS", byId.Body.GetProperty("trade_state").GetString());
        Assert.Equal("MICROPAY", byId.Body.GetProperty("trade_type").GetString());
        Assert.Equal(2500, byId.Body.GetProperty("amount").GetProperty("total").GetInt32());
        Assert.Equal(JsonValueKind.Null, instore.GetProperty("notification_id").ValueKind);
    }

    [Fact]
    public async Task Query_Returns400ParamError_WhenMchIdMissing()
    {
        var response = await _pay.GetAsync("/v3/pay/transactions/out-trade-no/LP000001");

        Assert.Equal((400, "PARAM_ERROR"), (response.Status, response.Code));
    }
}
