using System.Net.Http.Headers;
using Microsoft.Extensions.Http.Resilience;
using Polly;

namespace WechatLoyalty.Wechat.Http;

/// <summary>
/// When the standard resilience handler may retry. The default retries every method on 5xx/408/429/timeouts;
/// ours also requires the request to be retryable (a GET, or a POST we marked idempotent) and additionally treats
/// api.weixin.qq.com's <c>{"errcode":-1}</c> ("system busy", sent with HTTP 200) as transient.
/// </summary>
internal static class WechatRetryPolicy
{
    public static void Configure(HttpStandardResilienceOptions options, bool treatBusyAsTransient)
    {
        options.Retry.MaxRetryAttempts = 2;
        options.Retry.BackoffType = DelayBackoffType.Exponential;
        options.Retry.UseJitter = true;
        options.Retry.ShouldHandle = args => ShouldRetryAsync(args.Context, args.Outcome, treatBusyAsTransient);
    }

    internal static async ValueTask<bool> ShouldRetryAsync(
        ResilienceContext context, Outcome<HttpResponseMessage> outcome, bool treatBusyAsTransient)
    {
        var request = outcome.Result?.RequestMessage ?? context.GetRequestMessage();
        if (request is null || !request.IsRetryable())
        {
            return false;
        }

        if (HttpClientResiliencePredicates.IsTransient(outcome))
        {
            return true;
        }

        return treatBusyAsTransient && outcome.Result is { } response && await IsSystemBusyAsync(response, context.CancellationToken);
    }

    private static async Task<bool> IsSystemBusyAsync(HttpResponseMessage response, CancellationToken cancellationToken)
    {
        if (!response.IsSuccessStatusCode || !IsJson(response.Content.Headers.ContentType))
        {
            return false;
        }

        // Buffer so the caller can still read the body when we decide not to retry.
        await response.Content.LoadIntoBufferAsync(cancellationToken);
        var body = await response.Content.ReadAsByteArrayAsync(cancellationToken);
        return WechatApiResponse.TryReadErrorCode(body, out var errCode) && errCode == WechatErrorCodes.SystemBusy;
    }

    private static bool IsJson(MediaTypeHeaderValue? contentType) =>
        contentType?.MediaType is { } media && (media.Contains("json", StringComparison.OrdinalIgnoreCase) || media.StartsWith("text/", StringComparison.OrdinalIgnoreCase));
}
