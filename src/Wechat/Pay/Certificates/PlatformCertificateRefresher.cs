using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace WechatLoyalty.Wechat.Pay.Certificates;

/// <summary>
/// Keeps platform certificates fresh in certificate mode (wechatpay-go refreshes daily, Java hourly). Several can be
/// valid at once during rotation, so new ones are added and old ones kept.
/// </summary>
internal sealed partial class PlatformCertificateRefresher(
    IServiceScopeFactory scopes, IOptions<WechatPayOptions> options, TimeProvider time, ILogger<PlatformCertificateRefresher> logger)
    : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (!options.Value.UsePlatformCertificates)
        {
            return;
        }

        while (!stoppingToken.IsCancellationRequested)
        {
            var delay = options.Value.CertificateRefreshInterval;
            try
            {
                using var scope = scopes.CreateScope();
                var downloader = scope.ServiceProvider.GetRequiredService<PlatformCertificateDownloader>();
                var certificates = await downloader.RefreshAsync(stoppingToken);
                LogRefreshed(certificates.Count);
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                // Keep the certificates we have; try again soon rather than waiting a whole interval.
                LogFailed(ex);
                delay = TimeSpan.FromMinutes(1);
            }

            await Task.Delay(delay, time, stoppingToken);
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Downloaded {Count} WeChat Pay platform certificates")]
    private partial void LogRefreshed(int count);

    [LoggerMessage(Level = LogLevel.Warning, Message = "WeChat Pay platform certificate download failed")]
    private partial void LogFailed(Exception exception);
}
