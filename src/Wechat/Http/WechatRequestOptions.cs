namespace WechatLoyalty.Wechat.Http;

/// <summary>Per-request flags read by the retry policy and the WeChat Pay handler.</summary>
internal static class WechatRequestOptions
{
    /// <summary>
    /// Marks a POST as safe to repeat (WeChat de-duplicates it by our own key, e.g. out_trade_no or the stable_token
    /// normal mode). Unmarked POSTs are never retried: a resent message is a duplicate message to a customer.
    /// </summary>
    public static readonly HttpRequestOptionsKey<bool> Idempotent = new("Wechat.Idempotent");

    /// <summary>Never retry, even a GET: code2Session codes are single-use, a retry can only fail with 40029/40163.</summary>
    public static readonly HttpRequestOptionsKey<bool> NoRetry = new("Wechat.NoRetry");

    /// <summary>
    /// Skip response signature verification: /v3/certificates is signed by a certificate that is inside the
    /// encrypted answer itself, so the caller verifies after decrypting.
    /// </summary>
    public static readonly HttpRequestOptionsKey<bool> SkipResponseVerification = new("Wechat.SkipResponseVerification");

    public static HttpRequestMessage MarkIdempotent(this HttpRequestMessage request)
    {
        request.Options.Set(Idempotent, true);
        return request;
    }

    public static HttpRequestMessage MarkNoRetry(this HttpRequestMessage request)
    {
        request.Options.Set(NoRetry, true);
        return request;
    }

    public static bool IsRetryable(this HttpRequestMessage request)
    {
        if (request.Options.TryGetValue(NoRetry, out var noRetry) && noRetry)
        {
            return false;
        }

        var safeMethod = request.Method == HttpMethod.Get || request.Method == HttpMethod.Head;
        return safeMethod || (request.Options.TryGetValue(Idempotent, out var idempotent) && idempotent);
    }
}
