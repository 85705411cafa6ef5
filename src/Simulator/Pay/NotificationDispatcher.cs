using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Headers;
using System.Text.Json;
using WechatLoyalty.Simulator.Crypto;
using WechatLoyalty.Simulator.Hosting;
using WechatLoyalty.Simulator.State;
using WechatLoyalty.Simulator.Weixin;

namespace WechatLoyalty.Simulator.Pay;

/// <summary>
/// Delivers WeChat Pay notifications (C5 envelope, AEAD_AES_256_GCM resource with the APIv3 key, RSA-SHA256 signature
/// with the platform key over ts\nnonce\nbody\n, Wechatpay-Serial = PUB_KEY_ID). A non-2xx answer or a 5 s timeout is
/// retried on WeChat's schedule (15s/15s/30s/3m/10m/20m/30m/30m/30m/60m/3h/3h/3h/6h/6h) times NotificationTimeScale.
/// </summary>
public sealed class NotificationDispatcher(SimulatorState state, SimulatorOptions options, SimulatorKeys keys, SimulatorClock clock,
    Faults faults, IHttpClientFactory httpFactory, IHostApplicationLifetime lifetime, ILogger<NotificationDispatcher> logger)
{
    public static readonly IReadOnlyList<TimeSpan> RetrySchedule =
    [
        TimeSpan.FromSeconds(15), TimeSpan.FromSeconds(15), TimeSpan.FromSeconds(30), TimeSpan.FromMinutes(3), TimeSpan.FromMinutes(10),
        TimeSpan.FromMinutes(20), TimeSpan.FromMinutes(30), TimeSpan.FromMinutes(30), TimeSpan.FromMinutes(30), TimeSpan.FromMinutes(60),
        TimeSpan.FromHours(3), TimeSpan.FromHours(3), TimeSpan.FromHours(3), TimeSpan.FromHours(6), TimeSpan.FromHours(6),
    ];

    public PayNotification Enqueue(string eventType, string summary, string originalType, string notifyUrl, string businessKey, object resource)
    {
        var plaintext = JsonSerializer.Serialize(resource, Wx.Json);
        var nonce = PayCrypto.RandomString(12);
        var now = clock.GetUtcNow();
        var envelope = new
        {
            id = Guid.NewGuid().ToString(),
            create_time = SimulatorClock.Rfc3339(now),
            resource_type = "encrypt-resource",
            event_type = eventType,
            summary,
            resource = new
            {
                original_type = originalType,
                algorithm = "AEAD_AES_256_GCM",
                ciphertext = PayCrypto.GcmEncrypt(keys.ApiV3Key, nonce, originalType, plaintext),
                associated_data = originalType,
                nonce,
            },
        };
        var notification = new PayNotification
        {
            Id = envelope.id, EventType = eventType, NotifyUrl = notifyUrl, BusinessKey = businessKey,
            Body = JsonSerializer.Serialize(envelope, Wx.Json), ResourcePlaintext = plaintext, CreatedAt = now,
        };
        lock (state.Gate)
        {
            state.Notifications.Add(notification);
        }

        var duplicate = faults.ShouldDuplicate();
        var concurrent = faults.Current.ConcurrentDuplicates;
        _ = Task.Run(() => DeliverAsync(notification, duplicate, concurrent, lifetime.ApplicationStopping));
        return notification;
    }

    private async Task DeliverAsync(PayNotification notification, bool duplicate, bool concurrent, CancellationToken stopping)
    {
        try
        {
            for (var number = 1; number <= RetrySchedule.Count + 1; number++)
            {
                if (number > 1)
                {
                    await Task.Delay(Scaled(RetrySchedule[number - 2]), stopping);
                }

                bool delivered;
                if (duplicate && concurrent && number == 1)
                {
                    var results = await Task.WhenAll(AttemptAsync(notification, number, false, stopping), AttemptAsync(notification, number, true, stopping));
                    delivered = results[0];
                }
                else
                {
                    delivered = await AttemptAsync(notification, number, false, stopping);
                }

                if (delivered)
                {
                    SetStatus(notification, "delivered");
                    if (duplicate && !concurrent)
                    {
                        await Task.Delay(Scaled(TimeSpan.FromSeconds(1)), stopping);
                        await AttemptAsync(notification, number, true, stopping);
                    }

                    return;
                }
            }

            SetStatus(notification, "failed");
        }
        catch (OperationCanceledException) when (stopping.IsCancellationRequested)
        {
            // The simulator is stopping; undelivered notifications stay "pending" in the log.
        }
    }

    private async Task<bool> AttemptAsync(PayNotification notification, int number, bool duplicate, CancellationToken stopping)
    {
        var attempt = new DeliveryAttempt { Number = number, At = clock.GetUtcNow(), Duplicate = duplicate };
        lock (state.Gate)
        {
            notification.Attempts.Add(attempt);
        }

        var timestamp = clock.UnixSeconds.ToString(CultureInfo.InvariantCulture);
        var nonce = PayCrypto.RandomString(32);
        using var request = new HttpRequestMessage(HttpMethod.Post, notification.NotifyUrl)
        {
            Content = new StringContent(notification.Body, new MediaTypeHeaderValue("application/json")),
        };
        request.Headers.TryAddWithoutValidation("User-Agent", "Mozilla/4.0");
        request.Headers.Add("Wechatpay-Timestamp", timestamp);
        request.Headers.Add("Wechatpay-Nonce", nonce);
        request.Headers.Add("Wechatpay-Serial", keys.PublicKeyId);
        request.Headers.Add("Wechatpay-Signature-Type", "WECHATPAY2-SHA256-RSA2048");
        request.Headers.Add("Wechatpay-Signature", PayCrypto.Sign(keys.PlatformPrivateKey, $"{timestamp}\n{nonce}\n{notification.Body}\n"));

        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(stopping);
        timeout.CancelAfter(TimeSpan.FromSeconds(options.DeliveryTimeoutSeconds));
        var watch = Stopwatch.StartNew();
        int? status = null;
        string? error = null;
        try
        {
            using var response = await httpFactory.CreateClient(OaPusher.HttpClientName).SendAsync(request, timeout.Token);
            status = (int)response.StatusCode;
        }
        catch (Exception ex) when (ex is HttpRequestException or OperationCanceledException && !stopping.IsCancellationRequested)
        {
            error = ex is OperationCanceledException ? "timeout" : ex.Message;
        }

        lock (state.Gate)
        {
            attempt.HttpStatus = status;
            attempt.Error = error;
            attempt.DurationMs = watch.Elapsed.TotalMilliseconds;
        }

        logger.LogInformation("Pay notification {NotificationId} {EventType} attempt {Attempt} → {Status}", notification.Id,
            notification.EventType, number, status?.ToString(CultureInfo.InvariantCulture) ?? error);
        return attempt.Succeeded;
    }

    private TimeSpan Scaled(TimeSpan delay) => delay * options.NotificationTimeScale;

    private void SetStatus(PayNotification notification, string status)
    {
        lock (state.Gate)
        {
            notification.Status = status;
        }
    }
}
