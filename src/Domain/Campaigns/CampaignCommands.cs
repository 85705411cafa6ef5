using Microsoft.EntityFrameworkCore;
using WechatLoyalty.Domain.Common;
using WechatLoyalty.Domain.Data;

namespace WechatLoyalty.Domain.Campaigns;

/// <summary>What marketing asks of a campaign (create, edit while draft, schedule, pause, resume, cancel).</summary>
public sealed record CampaignDraft(
    string? Name, long? SegmentId, string? MessageKind, string? TemplateId, string? Page, IReadOnlyDictionary<string, string>? Fields,
    int? RewardPoints, decimal? HoldoutPercent);

/// <summary>
/// Campaign changes made by people. Status moves are conditional updates (WHERE status = the state read), so a move
/// that races with the fan-out or another user either wins or is a 409, never a lost update.
/// </summary>
public sealed class CampaignCommands(LoyaltyDbContext db, ProgrammeClock clock)
{
    public const string DefaultKind = "Campaign";
    public const decimal DefaultHoldoutPercent = 5m;
    public const int MaxRewardPoints = 100_000;

    public async Task<Campaign> CreateAsync(CampaignDraft draft, string? actor, CancellationToken ct)
    {
        var now = clock.UtcNow.UtcDateTime;
        var campaign = new Campaign
        {
            Name = "", MessageKind = DefaultKind, TemplateId = "", FieldsJson = "{}", Status = CampaignStatus.Draft, CreatedBy = actor,
            CreatedAt = now, UpdatedAt = now,
        };
        await ApplyAsync(campaign, draft, ct);
        db.Campaigns.Add(campaign);
        await db.SaveChangesAsync(ct);
        return campaign;
    }

    public async Task<Campaign> UpdateAsync(long id, CampaignDraft draft, CancellationToken ct)
    {
        var campaign = await db.Campaigns.SingleOrDefaultAsync(c => c.Id == id, ct) ?? throw NotFound();
        if (campaign.Status != CampaignStatus.Draft)
            throw new DomainException("campaign.not_draft", "Only a draft campaign can be edited; unschedule it first.", DomainErrorKind.Conflict);
        await ApplyAsync(campaign, draft, ct);
        campaign.UpdatedAt = clock.UtcNow.UtcDateTime;
        var saved = await db.Campaigns.Where(c => c.Id == id && c.Status == CampaignStatus.Draft).ExecuteUpdateAsync(s => s
            .SetProperty(c => c.Name, campaign.Name).SetProperty(c => c.SegmentId, campaign.SegmentId)
            .SetProperty(c => c.MessageKind, campaign.MessageKind).SetProperty(c => c.TemplateId, campaign.TemplateId)
            .SetProperty(c => c.Page, campaign.Page).SetProperty(c => c.FieldsJson, campaign.FieldsJson)
            .SetProperty(c => c.RewardPoints, campaign.RewardPoints).SetProperty(c => c.HoldoutBasisPoints, campaign.HoldoutBasisPoints)
            .SetProperty(c => c.UpdatedAt, campaign.UpdatedAt), ct);
        if (saved == 0) throw Raced();
        return campaign;
    }

    /// <summary>Draft → scheduled, to send at <paramref name="at"/> or now; the time may not be in the past.</summary>
    public async Task<Campaign> ScheduleAsync(long id, DateTime? at, CancellationToken ct)
    {
        var now = clock.UtcNow.UtcDateTime;
        if (at is { } when && when < now.AddMinutes(-1))
            throw new DomainException("campaign.past", "A campaign cannot be scheduled in the past; leave 'at' empty to send now.");
        var sendAt = at ?? now;
        return await MoveAsync(id, CampaignStatus.Scheduled, q => q.ExecuteUpdateAsync(s => s
            .SetProperty(c => c.Status, CampaignStatus.Scheduled).SetProperty(c => c.ScheduledAt, sendAt)
            .SetProperty(c => c.NextRunAt, sendAt).SetProperty(c => c.UpdatedAt, now), ct), ct);
    }

    public Task<Campaign> UnscheduleAsync(long id, CancellationToken ct) => SimpleMoveAsync(id, CampaignStatus.Draft, ct);

    public Task<Campaign> PauseAsync(long id, CancellationToken ct) => SimpleMoveAsync(id, CampaignStatus.Paused, ct);

    public Task<Campaign> ResumeAsync(long id, CancellationToken ct) => SimpleMoveAsync(id, CampaignStatus.Sending, ct, onlyFrom: CampaignStatus.Paused);

    public Task<Campaign> CancelAsync(long id, CancellationToken ct) => SimpleMoveAsync(id, CampaignStatus.Cancelled, ct, finished: true);

    private Task<Campaign> SimpleMoveAsync(long id, CampaignStatus to, CancellationToken ct, CampaignStatus? onlyFrom = null, bool finished = false)
    {
        var now = clock.UtcNow.UtcDateTime;
        return finished
            ? MoveAsync(id, to, q => q.ExecuteUpdateAsync(s => s
                .SetProperty(c => c.Status, to).SetProperty(c => c.UpdatedAt, now).SetProperty(c => c.FinishedAt, now)
                .SetProperty(c => c.NextRunAt, (DateTime?)null), ct), ct, onlyFrom)
            : MoveAsync(id, to, q => q.ExecuteUpdateAsync(s => s.SetProperty(c => c.Status, to).SetProperty(c => c.UpdatedAt, now), ct), ct, onlyFrom);
    }

    private async Task<Campaign> MoveAsync(long id, CampaignStatus to, Func<IQueryable<Campaign>, Task<int>> update, CancellationToken ct,
        CampaignStatus? onlyFrom = null)
    {
        var current = await db.Campaigns.AsNoTracking().Where(c => c.Id == id).Select(c => (CampaignStatus?)c.Status).SingleOrDefaultAsync(ct)
            ?? throw NotFound();
        // Resume is the people's way back to sending; the fan-out alone moves scheduled → sending.
        if (onlyFrom is { } required && current != required)
            throw new DomainException("campaign.illegal_transition", $"Only a paused campaign can be resumed; this one is {current.ToString().ToLowerInvariant()}.",
                DomainErrorKind.Conflict);
        CampaignStates.Require(current, to);
        if (await update(db.Campaigns.Where(c => c.Id == id && c.Status == current)) == 0) throw Raced();
        return await db.Campaigns.AsNoTracking().SingleAsync(c => c.Id == id, ct);
    }

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
