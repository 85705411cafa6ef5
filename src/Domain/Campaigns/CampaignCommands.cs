using Microsoft.EntityFrameworkCore;
using WechatLoyalty.Domain.Admin;
using WechatLoyalty.Domain.Common;
using WechatLoyalty.Domain.Data;

namespace WechatLoyalty.Domain.Campaigns;

/// <summary>What marketing asks of a campaign (create, edit while draft, schedule, pause, resume, cancel).</summary>
public sealed record CampaignDraft(
    string? Name, long? SegmentId, string? MessageKind, string? TemplateId, string? Page, IReadOnlyDictionary<string, string>? Fields,
    int? RewardPoints, decimal? HoldoutPercent);

/// <summary>
/// Campaign changes made by people. Status moves are conditional updates (WHERE status = the state read), so a move
/// that races with the fan-out or another user either wins or is a 409, never a lost update. Each change writes its
/// audit entry (the acting console user, the campaign before and after) in the same transaction.
/// </summary>
public sealed class CampaignCommands(LoyaltyDbContext db, ProgrammeClock clock)
{
    public const string DefaultKind = "Campaign";
    public const decimal DefaultHoldoutPercent = 5m;
    public const int MaxRewardPoints = 100_000;

    public async Task<Campaign> CreateAsync(CampaignDraft draft, string actor, CancellationToken ct)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(actor);
        var now = clock.UtcNow.UtcDateTime;
        var campaign = new Campaign
        {
            Name = "", MessageKind = DefaultKind, TemplateId = "", FieldsJson = "{}", Status = CampaignStatus.Draft, CreatedBy = actor,
            CreatedAt = now, UpdatedAt = now,
        };
        await ApplyAsync(campaign, draft, ct);
        // The audit entry names the new id: both inserts in one transaction, so neither exists without the other.
        return await db.ExecuteAsync(async token =>
        {
            db.Campaigns.Add(campaign);
            await db.SaveChangesAsync(token);
            db.AuditLog.Add(AuditEntry.Create(actor, AuditActions.CampaignCreate, "campaign", campaign.Id, null, Snapshot(campaign), now));
            await db.SaveChangesAsync(token);
            return campaign;
        }, ct);
    }

    public async Task<Campaign> UpdateAsync(long id, CampaignDraft draft, string actor, CancellationToken ct)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(actor);
        var campaign = await db.Campaigns.AsNoTracking().SingleOrDefaultAsync(c => c.Id == id, ct) ?? throw NotFound();
        if (campaign.Status != CampaignStatus.Draft)
            throw new DomainException("campaign.not_draft", "Only a draft campaign can be edited; unschedule it first.", DomainErrorKind.Conflict);
        var before = Snapshot(campaign);
        await ApplyAsync(campaign, draft, ct);
        campaign.UpdatedAt = clock.UtcNow.UtcDateTime;
        return await db.ExecuteAsync(async token =>
        {
            var saved = await db.Campaigns.Where(c => c.Id == id && c.Status == CampaignStatus.Draft).ExecuteUpdateAsync(s => s
            .SetProperty(c => c.Name, campaign.Name).SetProperty(c => c.SegmentId, campaign.SegmentId)
            .SetProperty(c => c.MessageKind, campaign.MessageKind).SetProperty(c => c.TemplateId, campaign.TemplateId)
            .SetProperty(c => c.Page, campaign.Page).SetProperty(c => c.FieldsJson, campaign.FieldsJson)
            .SetProperty(c => c.RewardPoints, campaign.RewardPoints).SetProperty(c => c.HoldoutBasisPoints, campaign.HoldoutBasisPoints)
            .SetProperty(c => c.UpdatedAt, campaign.UpdatedAt), token);
            if (saved == 0) throw Raced();
            db.AuditLog.Add(AuditEntry.Create(actor, AuditActions.CampaignUpdate, "campaign", id, before, Snapshot(campaign), campaign.UpdatedAt));
            await db.SaveChangesAsync(token);
            return campaign;
        }, ct);
    }

    /// <summary>Draft → scheduled, to send at <paramref name="at"/> or now; the time may not be in the past.</summary>
    public async Task<Campaign> ScheduleAsync(long id, DateTime? at, string actor, CancellationToken ct)
    {
        var now = clock.UtcNow.UtcDateTime;
        if (at is { } when && when < now.AddMinutes(-1))
            throw new DomainException("campaign.past", "A campaign cannot be scheduled in the past; leave 'at' empty to send now.");
        var sendAt = at ?? now;
        return await MoveAsync(id, CampaignStatus.Scheduled, AuditActions.CampaignSchedule, actor, (q, token) => q.ExecuteUpdateAsync(s => s
            .SetProperty(c => c.Status, CampaignStatus.Scheduled).SetProperty(c => c.ScheduledAt, sendAt)
            .SetProperty(c => c.NextRunAt, sendAt).SetProperty(c => c.UpdatedAt, now), token), ct);
    }

    public Task<Campaign> UnscheduleAsync(long id, string actor, CancellationToken ct) =>
        SimpleMoveAsync(id, CampaignStatus.Draft, AuditActions.CampaignUnschedule, actor, ct);

    public Task<Campaign> PauseAsync(long id, string actor, CancellationToken ct) =>
        SimpleMoveAsync(id, CampaignStatus.Paused, AuditActions.CampaignPause, actor, ct);

    public Task<Campaign> ResumeAsync(long id, string actor, CancellationToken ct) =>
        SimpleMoveAsync(id, CampaignStatus.Sending, AuditActions.CampaignResume, actor, ct, onlyFrom: CampaignStatus.Paused);

    public Task<Campaign> CancelAsync(long id, string actor, CancellationToken ct) =>
        SimpleMoveAsync(id, CampaignStatus.Cancelled, AuditActions.CampaignCancel, actor, ct, finished: true);

    private Task<Campaign> SimpleMoveAsync(long id, CampaignStatus to, string action, string actor, CancellationToken ct,
        CampaignStatus? onlyFrom = null, bool finished = false)
    {
        var now = clock.UtcNow.UtcDateTime;
        return finished
            ? MoveAsync(id, to, action, actor, (q, token) => q.ExecuteUpdateAsync(s => s
                .SetProperty(c => c.Status, to).SetProperty(c => c.UpdatedAt, now).SetProperty(c => c.FinishedAt, now)
                .SetProperty(c => c.NextRunAt, (DateTime?)null), token), ct, onlyFrom)
            : MoveAsync(id, to, action, actor, (q, token) => q.ExecuteUpdateAsync(s => s.SetProperty(c => c.Status, to).SetProperty(c => c.UpdatedAt, now), token),
                ct, onlyFrom);
    }

    private async Task<Campaign> MoveAsync(long id, CampaignStatus to, string action, string actor,
        Func<IQueryable<Campaign>, CancellationToken, Task<int>> update, CancellationToken ct, CampaignStatus? onlyFrom = null)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(actor);
        return await db.ExecuteAsync(async token =>
        {
            var before = await db.Campaigns.AsNoTracking().SingleOrDefaultAsync(c => c.Id == id, token) ?? throw NotFound();
            var current = before.Status;
            // Resume is the people's way back to sending; the fan-out alone moves scheduled → sending.
            if (onlyFrom is { } required && current != required)
                throw new DomainException("campaign.illegal_transition",
                    $"Only a paused campaign can be resumed; this one is {current.ToString().ToLowerInvariant()}.", DomainErrorKind.Conflict);
            CampaignStates.Require(current, to);
            if (await update(db.Campaigns.Where(c => c.Id == id && c.Status == current), token) == 0) throw Raced();
            var after = await db.Campaigns.AsNoTracking().SingleAsync(c => c.Id == id, token);
            db.AuditLog.Add(AuditEntry.Create(actor, action, "campaign", id, Snapshot(before), Snapshot(after), after.UpdatedAt));
            await db.SaveChangesAsync(token);
            return after;
        }, ct);
    }

    /// <summary>What the audit trail keeps of a campaign: what people set and its state, not the fan-out's bookkeeping.</summary>
    private static object Snapshot(Campaign c) => new
    {
        c.Name, c.SegmentId, c.MessageKind, c.TemplateId, c.Page, Fields = CampaignFields.Deserialize(c.FieldsJson), c.RewardPoints,
        HoldoutPercent = c.HoldoutBasisPoints / 100m, Status = c.Status.ToString(), c.ScheduledAt,
    };

    private async Task ApplyAsync(Campaign campaign, CampaignDraft draft, CancellationToken ct)
    {
        var name = draft.Name?.Trim();
        if (string.IsNullOrEmpty(name) || name.Length > 100) throw Invalid("'name' (1..100 characters) is required.");
        if (draft.SegmentId is not { } segmentId) throw Invalid("'segmentId' is required.");
        if (!await db.Segments.AnyAsync(s => s.Id == segmentId, ct)) throw Invalid($"Segment {segmentId} does not exist.");
        var kind = string.IsNullOrWhiteSpace(draft.MessageKind) ? DefaultKind : draft.MessageKind.Trim();
        if (kind.Length > 32 || !kind.All(char.IsAsciiLetterOrDigit)) throw Invalid("'messageKind' is letters and digits, at most 32.");
        var template = draft.TemplateId?.Trim();
        if (string.IsNullOrEmpty(template) || template.Length > 64) throw Invalid("'templateId' (1..64 characters) is required.");
        if (draft.Page is { Length: > 128 } || draft.Page?.StartsWith('/') == true) throw Invalid("'page' is a mini-program page path without a leading '/', at most 128.");
        var fields = CampaignFields.Validate(draft.Fields);
        var reward = draft.RewardPoints ?? 0;
        if (reward is < 0 or > MaxRewardPoints) throw Invalid($"'rewardPoints' must be 0..{MaxRewardPoints}.");
        var holdout = draft.HoldoutPercent ?? DefaultHoldoutPercent;
        if (holdout is < 0 or > 50 || decimal.Round(holdout, 2) != holdout) throw Invalid("'holdoutPercent' must be 0..50 with at most two decimals.");

        campaign.Name = name;
        campaign.SegmentId = segmentId;
        campaign.MessageKind = kind;
        campaign.TemplateId = template;
        campaign.Page = string.IsNullOrWhiteSpace(draft.Page) ? null : draft.Page.Trim();
        campaign.FieldsJson = CampaignFields.Serialize(fields);
        campaign.RewardPoints = reward;
        campaign.HoldoutBasisPoints = (int)(holdout * 100);
    }

    private static DomainException Invalid(string message) => new("campaign.invalid", message);

    internal static DomainException NotFound() => new("campaign.not_found", "No such campaign.", DomainErrorKind.NotFound);

    private static DomainException Raced() =>
        new("campaign.changed", "The campaign changed meanwhile; reload it and try again.", DomainErrorKind.Conflict);
}
