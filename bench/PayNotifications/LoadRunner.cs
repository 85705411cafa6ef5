using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;

namespace WechatLoyalty.PayNotifications;

/// <summary>What one phase of posting produced: wall time, per-request latencies and the HTTP statuses.</summary>
internal sealed record PhaseResult(string Name, int Requests, TimeSpan Elapsed, double[] LatenciesMs, IReadOnlyDictionary<int, int> Statuses,
    IReadOnlyList<string> ErrorSamples, int Resigned)
{
    public int Count(int status) => Statuses.TryGetValue(status, out var n) ? n : 0;

    public double PerSecond(int status) => Count(status) / Elapsed.TotalSeconds;

    public Percentiles Latency => Percentiles.Of(LatenciesMs);
}

/// <summary>
/// Posts pre-signed notifications at the API over real HTTP with a fixed number of workers, each sending its next
/// request as soon as the previous one is answered (closed loop: the concurrency is exactly <c>concurrency</c>).
/// </summary>
internal sealed class LoadRunner : IDisposable
{
    /// <summary>WeChat's freshness window is 5 minutes; anything signed longer ago than this is signed again before sending.</summary>
    private const int MaxAgeSeconds = 240;

    private readonly HttpClient _http;
    private readonly Uri _notifyUrl;
    private readonly NotificationFactory _factory;

    public LoadRunner(string apiUrl, int concurrency, NotificationFactory factory)
    {
        _http = new HttpClient(new SocketsHttpHandler
        {
            MaxConnectionsPerServer = concurrency,
            PooledConnectionLifetime = Timeout.InfiniteTimeSpan,
            PooledConnectionIdleTimeout = TimeSpan.FromMinutes(5),
            UseProxy = false,
            UseCookies = false,
            AutomaticDecompression = DecompressionMethods.None,
        })
        { Timeout = TimeSpan.FromSeconds(30) };
        _notifyUrl = new Uri(apiUrl + "/wechat/pay/notify");
        _factory = factory;
    }

    public async Task<PhaseResult> RunAsync(string name, IReadOnlyList<SignedNotification> notifications, int concurrency)
    {
        var latencies = new double[notifications.Count];
        var statuses = new int[notifications.Count];
        var errors = new System.Collections.Concurrent.ConcurrentQueue<string>();
        var next = -1;
        var resigned = 0;
        var watch = Stopwatch.StartNew();
        var workers = Enumerable.Range(0, concurrency).Select(_ => Task.Run(async () =>
        {
            int i;
            while ((i = Interlocked.Increment(ref next)) < notifications.Count)
            {
                var n = notifications[i];
                if (DateTimeOffset.UtcNow.ToUnixTimeSeconds() - n.SignedAtUnix > MaxAgeSeconds)
                {
                    n = _factory.Resign(n);
                    Interlocked.Increment(ref resigned);
                }
                var started = Stopwatch.GetTimestamp();
                var (status, error) = await PostAsync(n);
                latencies[i] = Stopwatch.GetElapsedTime(started).TotalMilliseconds;
                statuses[i] = status;
                if (error is not null && errors.Count < 5) errors.Enqueue($"{n.Order.OutTradeNo}: {status} {error}");
            }
        })).ToArray();
        await Task.WhenAll(workers);
        watch.Stop();
        var byStatus = statuses.GroupBy(s => s).ToDictionary(g => g.Key, g => g.Count());
        return new PhaseResult(name, notifications.Count, watch.Elapsed, latencies, byStatus, errors.ToList(), resigned);
    }

    private async Task<(int Status, string? Error)> PostAsync(SignedNotification n)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, _notifyUrl) { Content = new ByteArrayContent(n.Body) };
        request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        request.Headers.TryAddWithoutValidation("User-Agent", "Mozilla/4.0");
        request.Headers.TryAddWithoutValidation("Wechatpay-Timestamp", n.Timestamp);
        request.Headers.TryAddWithoutValidation("Wechatpay-Nonce", n.Nonce);
        request.Headers.TryAddWithoutValidation("Wechatpay-Signature", n.Signature);
        request.Headers.TryAddWithoutValidation("Wechatpay-Serial", _factory.Serial);
        request.Headers.TryAddWithoutValidation("Wechatpay-Signature-Type", "WECHATPAY2-SHA256-RSA2048");
        try
        {
            using var response = await _http.SendAsync(request, HttpCompletionOption.ResponseContentRead);
            if (response.StatusCode == HttpStatusCode.NoContent) return (204, null);
            var body = await response.Content.ReadAsStringAsync();
            return ((int)response.StatusCode, body.Length > 300 ? body[..300] : body);
        }
        catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException)
        {
            return (0, ex.Message);
        }
    }

    public void Dispose() => _http.Dispose();
}

/// <summary>Percentiles from the sorted samples (nearest rank), milliseconds.</summary>
internal sealed record Percentiles(int Count, double Mean, double P50, double P95, double P99, double Max)
{
    public static Percentiles Of(IReadOnlyCollection<double> samples)
    {
        if (samples.Count == 0) return new Percentiles(0, 0, 0, 0, 0, 0);
        var sorted = samples.Order().ToArray();
        double At(double p) => sorted[Math.Clamp((int)Math.Ceiling(p * sorted.Length) - 1, 0, sorted.Length - 1)];
        return new Percentiles(sorted.Length, sorted.Average(), At(0.50), At(0.95), At(0.99), sorted[^1]);
    }

    public override string ToString() =>
        $"p50 {P50:0.00} ms, p95 {P95:0.00} ms, p99 {P99:0.00} ms, max {Max:0.0} ms, mean {Mean:0.00} ms";
}
