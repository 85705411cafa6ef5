using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using WechatLoyalty.Domain.Common;
using WechatLoyalty.Domain.Data;

namespace WechatLoyalty.Domain.Messaging;

/// <summary>
/// What WeChat reports after a send, and the follow state the OA callback learns: TEMPLATESENDJOBFINISH settles
/// the delivery with that msgid ("failed:user block" also marks the member as blocking OA messages); a new follow
/// clears the OA flags. Also resumes paused deliveries that are due.
/// </summary>
public sealed class DeliveryReports(
    LoyaltyDbContext db, MessageDispatcher dispatcher, ProgrammeClock clock, IOptions<MessagingOptions> options, ILogger<DeliveryReports> logger)
{
    /// <summary>True when a delivery had that msgid. Late or repeated reports cannot undo a settled result.</summary>
    public async Task<bool> TemplateJobFinishedAsync(long msgid, string status, CancellationToken ct)
    {
        var delivery = await db.MessageDeliveries.FirstOrDefaultAsync(d => d.Msgid == msgid && d.Channel == DeliveryChannel.OfficialAccount, ct);
        if (delivery is null)
        {
            logger.LogInformation("TEMPLATESENDJOBFINISH for unknown msgid {Msgid}", msgid);
            return false;
        }
        if (delivery.Status != DeliveryStatus.Sent) return true;
        var now = clock.UtcNow.UtcDateTime;
        var success = TemplateJobFinish.IsSuccess(status);
        delivery.Status = success ? DeliveryStatus.Delivered : DeliveryStatus.Failed;
        delivery.Reason = success ? null : TemplateJobFinish.FailureReason(status);
        delivery.FinishedAt = now;
        delivery.UpdatedAt = now;
        await db.SaveChangesAsync(ct);
        if (TemplateJobFinish.NeedsFullPath(status))
            await dispatcher.UpsertStateAsync(delivery.MemberId, null, s => s.OaBlockedAt = now, ct);
        logger.LogInformation("Delivery {DeliveryId} finished at WeChat: {Status}", delivery.Id, delivery.Status);
        return true;
    }

    /// <summary>A follow starts afresh: earlier 43004 and user-block flags no longer apply.</summary>
    public Task FollowedAsync(long memberId, CancellationToken ct) =>
        db.MemberChannelStates.Where(s => s.MemberId == memberId)
            .ExecuteUpdateAsync(s => s.SetProperty(x => x.OaBlockedAt, (DateTime?)null).SetProperty(x => x.OaNotFollowerAt, (DateTime?)null)
                .SetProperty(x => x.UpdatedAt, clock.UtcNow.UtcDateTime), ct);

    /// <summary>Sends the paused deliveries that are due, oldest first; stops at the first one still paused (the app is).</summary>
    public async Task<int> ResumeDueAsync(CancellationToken ct)
    {
        var resumed = 0;
        while (true)
        {
            var now = clock.UtcNow.UtcDateTime;
            var due = await db.MessageDeliveries.AsNoTracking()
                .Where(d => d.Status == DeliveryStatus.Paused && d.NextAttemptAt <= now)
                .OrderBy(d => d.NextAttemptAt).ThenBy(d => d.Id).Select(d => d.Id).Take(options.Value.BatchSize).ToListAsync(ct);
            if (due.Count == 0) return resumed;
            foreach (var id in due)
            {
                var outcome = await dispatcher.ResumeAsync(id, ct);
                if (outcome.Status == DeliveryOutcomeStatus.Paused) return resumed;
                resumed++;
            }
            db.ChangeTracker.Clear();
        }
    }
}
