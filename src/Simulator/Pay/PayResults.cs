using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using WechatLoyalty.Simulator.Crypto;
using WechatLoyalty.Simulator.Hosting;
using WechatLoyalty.Simulator.Weixin;

namespace WechatLoyalty.Simulator.Pay;

/// <summary>WeChat Pay responses: 2xx signed with the platform key (Wechatpay-* headers), errors as {code, message, detail}
/// without signature headers; every response carries Request-ID ending in -&lt;numeric code&gt;.</summary>
internal static class PayResults
{
    public const string SerialItemKey = "sim.pay.response-serial";

    private static readonly Dictionary<string, string> NumericCodes = new(StringComparer.Ordinal)
    {
        ["SIGN_ERROR"] = "268443699",
        ["OUT_TRADE_NO_USED"] = "268498688",
    };

    public static IResult Signed(int status, object? body) =>
        new SignedResult(status, body is null ? [] : JsonSerializer.SerializeToUtf8Bytes(body, Wx.Json));

    public static IResult Error(int status, string code, string message, object? detail = null) =>
        new ErrorResult(status, JsonSerializer.SerializeToUtf8Bytes(detail is null ? new { code, message } : (object)new { code, message, detail }, Wx.Json),
            NumericCodes.GetValueOrDefault(code, "268435456"));

    public static IResult ParamError(string message, string field, object? value = null, string location = "body") =>
        Error(400, "PARAM_ERROR", message, new { field, value, issue = message, location });

    public static IResult SystemError() => Error(500, "SYSTEM_ERROR", "系统错误");

    public static IResult NotFound(string code = "ORDER_NOT_EXIST") => Error(404, code, code == "ORDER_NOT_EXIST" ? "订单不存在" : "资源不存在");

    private static string RequestId(string suffix) =>
        Convert.ToHexString(RandomNumberGenerator.GetBytes(16)) + "-" + suffix;

    private sealed class SignedResult(int status, byte[] body) : IResult
    {
        public async Task ExecuteAsync(HttpContext httpContext)
        {
            var keys = httpContext.RequestServices.GetRequiredService<SimulatorKeys>();
            var clock = httpContext.RequestServices.GetRequiredService<SimulatorClock>();
            var timestamp = clock.UnixSeconds.ToString(CultureInfo.InvariantCulture);
            var nonce = PayCrypto.RandomString(32);
            var text = Encoding.UTF8.GetString(body);
            var response = httpContext.Response;
            response.StatusCode = status;
            response.Headers["Request-ID"] = RequestId("0");
            response.Headers["Wechatpay-Nonce"] = nonce;
            response.Headers["Wechatpay-Timestamp"] = timestamp;
            response.Headers["Wechatpay-Serial"] = httpContext.Items[SerialItemKey] as string ?? keys.PublicKeyId;
            response.Headers["Wechatpay-Signature-Type"] = "WECHATPAY2-SHA256-RSA2048";
            response.Headers["Wechatpay-Signature"] = PayCrypto.Sign(keys.PlatformPrivateKey, $"{timestamp}\n{nonce}\n{text}\n");
            if (body.Length > 0)
            {
                response.ContentType = "application/json; charset=utf-8";
                response.ContentLength = body.Length;
                await response.Body.WriteAsync(body, httpContext.RequestAborted);
            }
        }
    }

    private sealed class ErrorResult(int status, byte[] body, string numericCode) : IResult
    {
        public async Task ExecuteAsync(HttpContext httpContext)
        {
            var response = httpContext.Response;
            response.StatusCode = status;
            response.Headers["Request-ID"] = RequestId(numericCode);
            response.ContentType = "application/json; charset=utf-8";
            response.ContentLength = body.Length;
            await response.Body.WriteAsync(body, httpContext.RequestAborted);
        }
    }
}
