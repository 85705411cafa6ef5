using System.Globalization;
using System.Net;
using System.Security.Cryptography;
using System.Text;
using System.Text.RegularExpressions;
using WechatLoyalty.Wechat.Pay;

namespace WechatLoyalty.Wechat.Tests.Support;

/// <summary>
/// A strict stand-in for api.mch.weixin.qq.com (protocol F1): rebuilds the signed message from the request as it
/// arrived, verifies it with the merchant PUBLIC key, answers 401 SIGN_ERROR otherwise, and signs its own answers
/// with the platform key.
/// </summary>
internal sealed partial class FakeWechatPay(TestKeys keys, Func<HttpRequestMessage, byte[], HttpResponseMessage> route)
{
    public List<string> Rejections { get; } = [];

    public int Verified { get; private set; }

    public RSA ResponseKey { get; set; } = keys.Platform;

    public bool SignResponses { get; set; } = true;

    public StubHandler Handler => new((request, body) => Task.FromResult(Handle(request, body)));

    private HttpResponseMessage Handle(HttpRequestMessage request, byte[] body)
    {
        if (CheckRequest(request, body) is { } problem)
        {
            Rejections.Add(problem);
            var error = StubHandler.Json($"{{\"code\":\"SIGN_ERROR\",\"message\":\"{problem}\"}}", HttpStatusCode.Unauthorized);
            error.Headers.Add("Request-ID", "08F4-268443699");
            return error;
        }

        Verified++;
        var response = route(request, body);
        if (response.IsSuccessStatusCode && SignResponses)
        {
            var content = response.Content.ReadAsByteArrayAsync().GetAwaiter().GetResult();
            var headers = PayNotifications.Sign(ResponseKey, TestKeys.PublicKeyId, DateTimeOffset.UtcNow, content);
            response.Headers.Add("Wechatpay-Timestamp", headers.Timestamp);
            response.Headers.Add("Wechatpay-Nonce", headers.Nonce);
            response.Headers.Add("Wechatpay-Signature", headers.Signature);
            response.Headers.Add("Wechatpay-Serial", headers.Serial);
        }

        return response;
    }

    private string? CheckRequest(HttpRequestMessage request, byte[] body)
    {
        if (!request.Headers.TryGetValues("Authorization", out var values) || values.Single() is not { } authorization
            || !authorization.StartsWith("WECHATPAY2-SHA256-RSA2048 ", StringComparison.Ordinal))
        {
            return "missing or wrong Authorization scheme";
        }

        var fields = AuthorizationField().Matches(authorization).ToDictionary(m => m.Groups[1].Value, m => m.Groups[2].Value);
        if (!new[] { "mchid", "nonce_str", "signature", "timestamp", "serial_no" }.All(fields.ContainsKey))
        {
            return "Authorization lacks a field";
        }

        if (fields["mchid"] != TestKeys.MchId || fields["serial_no"] != keys.MerchantSerial)
        {
            return "wrong mchid or serial_no";
        }

        if (fields["timestamp"].Length != 10
            || Math.Abs(DateTimeOffset.UtcNow.ToUnixTimeSeconds() - long.Parse(fields["timestamp"], CultureInfo.InvariantCulture)) > 300)
        {
            return "timestamp not 10 digits within 5 minutes";
        }

        if (request.Headers.UserAgent.Count == 0 || !request.Headers.Accept.Any(a => a.MediaType == "application/json")
            || !request.Headers.TryGetValues("Wechatpay-Serial", out var serial) || serial.Single() != TestKeys.PublicKeyId)
        {
            return "missing User-Agent, Accept or Wechatpay-Serial";
        }

        var head = Encoding.UTF8.GetBytes($"{request.Method.Method}\n{request.RequestUri!.PathAndQuery}\n{fields["timestamp"]}\n{fields["nonce_str"]}\n");
        var message = head.Concat(body).Append((byte)'\n').ToArray();
        using var merchantPublic = RSA.Create();
        merchantPublic.ImportSubjectPublicKeyInfo(keys.Merchant.ExportSubjectPublicKeyInfo(), out _);
        return merchantPublic.VerifyData(message, Convert.FromBase64String(fields["signature"]), HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1)
            ? null
            : "signature does not verify";
    }

    [GeneratedRegex("(\\w+)=\"([^\"]*)\"")]
    private static partial Regex AuthorizationField();
}
