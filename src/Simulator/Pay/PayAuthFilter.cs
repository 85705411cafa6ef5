using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Http.Features;
using WechatLoyalty.Simulator.Crypto;
using WechatLoyalty.Simulator.Hosting;
using WechatLoyalty.Simulator.State;

namespace WechatLoyalty.Simulator.Pay;

/// <summary>What api.mch.weixin.qq.com checks before any v3 handler: User-Agent and Accept present, the
/// WECHATPAY2-SHA256-RSA2048 Authorization (mchid, merchant serial_no, ±5 min timestamp, RSA-SHA256 signature over
/// METHOD\nPathAndQuery\ntimestamp\nnonce\nbody\n with the merchant public key) and a known Wechatpay-Serial.</summary>
internal sealed partial class PayAuthFilter(SimulatorOptions options, SimulatorKeys keys, SimulatorClock clock, Faults faults) : IEndpointFilter
{
    public const string RawBodyKey = "sim.pay.raw-body";
    private const string Scheme = "WECHATPAY2-SHA256-RSA2048";

    public async ValueTask<object?> InvokeAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        var http = context.HttpContext;
        var request = http.Request;
        using var buffer = new MemoryStream();
        await request.Body.CopyToAsync(buffer, http.RequestAborted);
        var body = Encoding.UTF8.GetString(buffer.ToArray());
        http.Items[RawBodyKey] = body;

        if (faults.Current.LatencyMs > 0)
        {
            await Task.Delay(faults.Current.LatencyMs, http.RequestAborted);
        }

        if (string.IsNullOrWhiteSpace(request.Headers.UserAgent) || string.IsNullOrWhiteSpace(request.Headers.Accept))
        {
            return PayResults.Error(400, "INVALID_REQUEST", "Http头缺少Accept或User-Agent");
        }

        var failure = Authenticate(http, request, body);
        if (failure is not null)
        {
            return failure;
        }

        var serial = request.Headers["Wechatpay-Serial"].ToString();
        if (serial.Length > 0)
        {
            if (serial != keys.PublicKeyId && !serial.Equals(keys.PlatformCertificateSerial, StringComparison.OrdinalIgnoreCase))
            {
                return PayResults.Error(400, "PARAM_ERROR", "Wechatpay-Serial 无效：既不是微信支付公钥ID，也不是有效的平台证书序列号");
            }

            http.Items[PayResults.SerialItemKey] = serial == keys.PublicKeyId ? keys.PublicKeyId : keys.PlatformCertificateSerial;
        }

        return faults.ShouldFail() ? PayResults.SystemError() : await next(context);
    }

    private IResult? Authenticate(HttpContext http, HttpRequest request, string body)
    {
        var header = request.Headers.Authorization.ToString();
        if (!header.StartsWith(Scheme + " ", StringComparison.Ordinal))
        {
            return SignError("Authorization 头缺失或认证类型不是 WECHATPAY2-SHA256-RSA2048", null);
        }

        var fields = AuthParameter().Matches(header[(Scheme.Length + 1)..])
            .ToDictionary(m => m.Groups[1].Value, m => m.Groups[2].Value, StringComparer.Ordinal);
        string[] required = ["mchid", "nonce_str", "signature", "timestamp", "serial_no"];
        if (required.FirstOrDefault(f => !fields.ContainsKey(f) || fields[f].Length == 0) is { } missing)
        {
            return SignError($"Authorization 缺少 {missing}", null);
        }

        if (fields["mchid"] != options.Pay.MchId)
        {
            return SignError("Authorization 中的 mchid 与商户号不匹配", null);
        }

        if (!fields["serial_no"].Equals(keys.MerchantSerialNumber, StringComparison.OrdinalIgnoreCase))
        {
            return SignError("商户证书序列号有误。请使用签名私钥匹配的证书序列号", null);
        }

        var timestamp = fields["timestamp"];
        if (timestamp.Length != 10 || !long.TryParse(timestamp, NumberStyles.None, CultureInfo.InvariantCulture, out var seconds)
            || Math.Abs(clock.UnixSeconds - seconds) > 300)
        {
            return SignError("时间戳 timestamp 不是10位秒级时间戳或与当前时间相差超过5分钟", null);
        }

        var target = http.Features.Get<IHttpRequestFeature>()?.RawTarget ?? (request.Path + request.QueryString).ToString();
        var message = $"{request.Method}\n{target}\n{timestamp}\n{fields["nonce_str"]}\n{body}\n";
        return PayCrypto.Verify(keys.MerchantPublicKey, message, fields["signature"]) ? null : SignError("错误的签名，验签失败", new
        {
            method = request.Method,
            url = target,
            truncated_sign_message = message.Length > 512 ? message[..512] : message,
            sign_message_length = Encoding.UTF8.GetByteCount(message),
            timestamp,
            nonce_str = fields["nonce_str"],
        });
    }

    private static IResult SignError(string message, object? signInformation) =>
        PayResults.Error(401, "SIGN_ERROR", message, signInformation is null ? null : new { field = "signature", location = "authorization", sign_information = signInformation });

    [GeneratedRegex("([a-z_]+)=\"([^\"]*)\"")]
    private static partial Regex AuthParameter();
}
