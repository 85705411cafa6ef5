using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;
using System.Text.RegularExpressions;
using Microsoft.Extensions.Options;
using WechatLoyalty.Wechat.Http;
using WechatLoyalty.Wechat.Pay.Notifications;
using WechatLoyalty.Wechat.Pay.Refunds;
using WechatLoyalty.Wechat.Pay.Transactions;

namespace WechatLoyalty.Wechat.Pay;

/// <summary>
/// WeChat Pay APIv3 for a direct merchant. Requests are signed and answers verified by
/// <see cref="WechatPaySigningHandler"/>; this class only shapes the calls.
/// </summary>
public sealed partial class WechatPayClient(HttpClient http, IOptions<WechatPayOptions> options)
{
    public const string HttpClientName = "WechatPay";

    private readonly WechatPayOptions _options = options.Value;

    /// <summary>Creates a JSAPI (mini-program) order; resending the same out_trade_no with the same fields is safe.</summary>
    // https://pay.weixin.qq.com/doc/v3/merchant/4012791856
    public async Task<PayTransactionsJsapiResponse> JsapiPrepayAsync(PayTransactionsJsapiRequest request, CancellationToken cancellationToken = default)
    {
        request.Appid = string.IsNullOrEmpty(request.Appid) ? _options.AppId : request.Appid;
        request.Mchid = string.IsNullOrEmpty(request.Mchid) ? _options.MchId : request.Mchid;
        request.NotifyUrl = string.IsNullOrEmpty(request.NotifyUrl) ? _options.NotifyUrl : request.NotifyUrl;
        request.Description = PayText.StripFourByteCharacters(request.Description) ?? string.Empty;
        request.Attach = PayText.StripFourByteCharacters(request.Attach);
        Validate(request);
        return (await SendAsync<PayTransactionsJsapiResponse>(HttpMethod.Post, "v3/pay/transactions/jsapi", request, idempotent: true, cancellationToken))!;
    }

    /// <summary>The only query that works for unpaid orders.</summary>
    // https://pay.weixin.qq.com/doc/v3/merchant/4012791858
    public async Task<TransactionResource> QueryByOutTradeNoAsync(string outTradeNo, CancellationToken cancellationToken = default) =>
        (await SendAsync<TransactionResource>(HttpMethod.Get,
            $"v3/pay/transactions/out-trade-no/{Uri.EscapeDataString(outTradeNo)}?mchid={Uri.EscapeDataString(_options.MchId)}",
            null, idempotent: true, cancellationToken))!;

    // https://pay.weixin.qq.com/doc/v3/merchant/4012791859
    public async Task<TransactionResource> QueryByTransactionIdAsync(string transactionId, CancellationToken cancellationToken = default) =>
        (await SendAsync<TransactionResource>(HttpMethod.Get,
            $"v3/pay/transactions/id/{Uri.EscapeDataString(transactionId)}?mchid={Uri.EscapeDataString(_options.MchId)}",
            null, idempotent: true, cancellationToken))!;

    /// <summary>Closes an unpaid order (204). Re-entrant, so safe to retry.</summary>
    // https://pay.weixin.qq.com/doc/v3/merchant/4012791860
    public Task CloseAsync(string outTradeNo, CancellationToken cancellationToken = default) =>
        SendAsync<object>(HttpMethod.Post, $"v3/pay/transactions/out-trade-no/{Uri.EscapeDataString(outTradeNo)}/close",
            new PayTransactionsCloseRequest(_options.MchId), idempotent: true, cancellationToken);

    /// <summary>Requests a refund; "accepted" only. Retried only with the same out_refund_no, which WeChat de-duplicates.</summary>
    // https://pay.weixin.qq.com/doc/v3/merchant/4012791862
    public async Task<RefundDomesticRefundsResponse> CreateRefundAsync(RefundDomesticRefundsRequest request, CancellationToken cancellationToken = default)
    {
        if (string.IsNullOrEmpty(request.TransactionId) == string.IsNullOrEmpty(request.OutTradeNo))
        {
            throw new ArgumentException("Set exactly one of transaction_id and out_trade_no.", nameof(request));
        }

        ArgumentException.ThrowIfNullOrEmpty(request.OutRefundNo);
        request.NotifyUrl = string.IsNullOrEmpty(request.NotifyUrl) ? _options.NotifyUrl : request.NotifyUrl;
        request.Reason = PayText.StripFourByteCharacters(request.Reason);
        return (await SendAsync<RefundDomesticRefundsResponse>(HttpMethod.Post, "v3/refund/domestic/refunds", request, idempotent: true, cancellationToken))!;
    }

    // https://pay.weixin.qq.com/doc/v3/merchant/4012791863
    public async Task<RefundDomesticRefundsResponse> QueryRefundAsync(string outRefundNo, CancellationToken cancellationToken = default) =>
        (await SendAsync<RefundDomesticRefundsResponse>(HttpMethod.Get,
            $"v3/refund/domestic/refunds/{Uri.EscapeDataString(outRefundNo)}", null, idempotent: true, cancellationToken))!;

    internal async Task<T?> SendAsync<T>(HttpMethod method, string path, object? body, bool idempotent, CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(method, path);
        if (body is not null)
        {
            // Serialized once; the signing handler signs these very bytes.
            request.Content = new ByteArrayContent(WechatJson.SerializeToUtf8(body));
            request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        }

        if (idempotent)
        {
            request.MarkIdempotent();
        }

        using var response = await http.SendAsync(request, cancellationToken);
        if (!response.IsSuccessStatusCode)
        {
            throw await ReadErrorAsync(response, cancellationToken);
        }

        if (response.StatusCode == HttpStatusCode.NoContent || typeof(T) == typeof(object))
        {
            return default;
        }

        return WechatJson.Deserialize<T>(await response.Content.ReadAsByteArrayAsync(cancellationToken));
    }

    internal static async Task<WechatPayException> ReadErrorAsync(HttpResponseMessage response, CancellationToken cancellationToken)
    {
        var requestId = response.Headers.TryGetValues("Request-ID", out var ids) ? ids.FirstOrDefault() : null;
        var body = await response.Content.ReadAsByteArrayAsync(cancellationToken);
        try
        {
            var error = WechatJson.Deserialize<PayErrorBody>(body);
            return new WechatPayException(response.StatusCode, error.Code ?? "UNKNOWN", error.Message ?? string.Empty, error.Detail?.Clone(), requestId);
        }
        catch (JsonException)
        {
            return new WechatPayException(response.StatusCode, "UNKNOWN", $"non-JSON error body ({body.Length} bytes)", null, requestId);
        }
    }

    private static void Validate(PayTransactionsJsapiRequest request)
    {
        if (string.IsNullOrEmpty(request.Description) || request.Description.Length > 127)
        {
            throw new ArgumentException("description must be 1..127 characters.", nameof(request));
        }

        if (!OutTradeNoPattern().IsMatch(request.OutTradeNo))
        {
            throw new ArgumentException("out_trade_no must be 6..32 of [0-9A-Za-z_-|*].", nameof(request));
        }

        if (request.Attach is { Length: > 128 })
        {
            throw new ArgumentException("attach must be at most 128 characters.", nameof(request));
        }

        if (request.Amount.Total < 1 || string.IsNullOrEmpty(request.Payer.Openid) || string.IsNullOrEmpty(request.NotifyUrl))
        {
            throw new ArgumentException("amount.total ≥ 1, payer.openid and notify_url are required.", nameof(request));
        }
    }

    [GeneratedRegex(@"^[0-9A-Za-z_\-|*]{6,32}$")]
    private static partial Regex OutTradeNoPattern();

    private sealed record PayTransactionsCloseRequest(string Mchid);

    private sealed class PayErrorBody
    {
        public string? Code { get; set; }

        public string? Message { get; set; }

        public JsonElement? Detail { get; set; }
    }
}
