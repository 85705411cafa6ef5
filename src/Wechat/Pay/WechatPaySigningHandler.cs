using System.Globalization;
using System.Net.Http.Headers;
using System.Security.Cryptography;
using WechatLoyalty.Wechat.Http;

namespace WechatLoyalty.Wechat.Pay;

/// <summary>
/// Signs every WeChat Pay request (WECHATPAY2-SHA256-RSA2048 over the exact bytes sent) and verifies the signature on
/// every 2xx answer. It sits inside the retry handler, so each attempt is signed afresh.
/// https://pay.weixin.qq.com/doc/v3/merchant/4012365342 (signing), https://pay.weixin.qq.com/doc/v3/merchant/4012365345 (verifying)
/// </summary>
public sealed class WechatPaySigningHandler(
    MerchantSigner signer,
    WechatPayPlatformKeys platformKeys,
    WechatPaySignatureVerifier verifier,
    TimeProvider time,
    string userAgent) : DelegatingHandler
{
    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        var body = request.Content is null ? [] : await request.Content.ReadAsByteArrayAsync(cancellationToken);
        var timestamp = time.GetUtcNow().ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture);
        var nonce = Convert.ToHexString(RandomNumberGenerator.GetBytes(16));
        var authorization = signer.BuildAuthorization(request.Method.Method, request.RequestUri!.PathAndQuery, timestamp, nonce, body);

        // Added without validation: the value must reach the wire exactly as signed.
        request.Headers.Remove("Authorization");
        request.Headers.TryAddWithoutValidation("Authorization", authorization);
        request.Headers.Accept.Clear();
        request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("application/json"));
        request.Headers.UserAgent.Clear();
        request.Headers.TryAddWithoutValidation("User-Agent", userAgent);
        if (platformKeys.PreferredSerial is { } serial)
        {
            request.Headers.Remove(WechatPaySignatureHeaders.SerialHeader);
            request.Headers.Add(WechatPaySignatureHeaders.SerialHeader, serial);
        }

        var response = await base.SendAsync(request, cancellationToken);
        var skip = request.Options.TryGetValue(WechatRequestOptions.SkipResponseVerification, out var s) && s;
        if (response.IsSuccessStatusCode && !skip)
        {
            await VerifyResponseAsync(response, cancellationToken);
        }

        return response;
    }

    /// <summary>
    /// Only 2xx answers must be signed: WeChat's error answers may lack the headers, and the caller reads their code.
    /// </summary>
    private async Task VerifyResponseAsync(HttpResponseMessage response, CancellationToken cancellationToken)
    {
        await response.Content.LoadIntoBufferAsync(cancellationToken);
        var body = await response.Content.ReadAsByteArrayAsync(cancellationToken);
        var headers = WechatPaySignatureHeaders.From(name =>
            response.Headers.TryGetValues(name, out var values) ? values.FirstOrDefault() : null);
        if (verifier.Verify(headers, body) is { } error)
        {
            response.Dispose();
            throw new WechatPayVerificationException(error, $"WeChat Pay response signature check failed (serial {headers.Serial})");
        }
    }
}
