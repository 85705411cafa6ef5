using Microsoft.Extensions.DependencyInjection;
using WechatLoyalty.Domain.Messaging;

namespace WechatLoyalty.Api.Tests.Messages;

/// <summary>45009 from WeChat pauses the app's sends (shared through Redis) and the deliveries; they resume later, once.</summary>
public class QuotaPauseTests(QuotaPauseTests.Factory factory) : IClassFixture<QuotaPauseTests.Factory>
{
    public sealed class Factory : MessagesFactory;

    [Fact]
    public async Task QuotaReached_PausesWithoutSending_ThenResumesExactlyOnce()
    {
        await factory.RegisterTemplatesAsync();
        var (first, firstId, _) = await factory.MemberAsync(follows: true);
        var (second, secondId, _) = await factory.MemberAsync(follows: true);
        await factory.SimFaultsAsync(new { quota_exhausted = true });

        var paused = await factory.SendAsync(firstId, MessageKinds.PointsEarned, "earn:quota-1");
        var alsoPaused = await factory.SendAsync(secondId, MessageKinds.PointsEarned, "earn:quota-2");

        Assert.Equal(DeliveryOutcomeStatus.Paused, paused.Status);
        Assert.Equal(45009, paused.WechatErrCode);
        Assert.NotNull(paused.RetryAt);
        Assert.Equal(DeliveryStatus.Paused, (await factory.DeliveryAsync(paused.DeliveryId)).Status);
        Assert.Equal(45009, Assert.Single(await factory.SimMessagesAsync(first)).GetProperty("errcode").GetInt32());
        // The app is paused: the second member's message waits without even asking WeChat.
        Assert.Equal(DeliveryOutcomeStatus.Paused, alsoPaused.Status);
        Assert.Empty(await factory.SimMessagesAsync(second));
        // A retried job does not send while paused either.
        Assert.Equal(DeliveryOutcomeStatus.Paused, (await factory.SendAsync(firstId, MessageKinds.PointsEarned, "earn:quota-1")).Status);

        await factory.SimFaultsAsync(new { quota_exhausted = false });
        Assert.Equal(0, await factory.WithAsync<DeliveryReports, int>(r => r.ResumeDueAsync(default)));
        factory.Time.Advance(TimeSpan.FromMinutes(61));
        var resumed = await factory.WithAsync<DeliveryReports, int>(r => r.ResumeDueAsync(default));
        var again = await factory.WithAsync<DeliveryReports, int>(r => r.ResumeDueAsync(default));

        Assert.Equal(2, resumed);
        Assert.Equal(0, again);
        // Sent, or already Delivered when the simulator's TEMPLATESENDJOBFINISH came back first.
        Assert.Contains((await factory.DeliveryAsync(paused.DeliveryId)).Status, new[] { DeliveryStatus.Sent, DeliveryStatus.Delivered });
        Assert.Contains((await factory.DeliveryAsync(alsoPaused.DeliveryId)).Status, new[] { DeliveryStatus.Sent, DeliveryStatus.Delivered });
        Assert.Equal(2, (await factory.SimMessagesAsync(first)).Length);
        Assert.Single(await factory.SimMessagesAsync(second));
    }
}
