using System.Globalization;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using WechatLoyalty.Domain.Common;
using WechatLoyalty.Domain.Data;
using WechatLoyalty.Domain.Programme;

namespace WechatLoyalty.Domain.Messaging;

/// <summary>
/// Sends the tier-change messages the tiers code queues in <c>message_outbox</c> (same transaction as the change),
/// oldest first, in batches. The delivery is keyed by the outbox row's idempotency key, so a crash between sending
/// and marking <c>processed_at</c> re-runs into the existing record and sends nothing twice.
/// </summary>
public sealed class TierNotices(
    LoyaltyDbContext db,
    MessageDispatcher dispatcher,
    ProgrammeClock clock,
    IOptions<MessagingOptions> options,
    ILogger<TierNotices> logger)
{
    public async Task<int> RunAsync(CancellationToken ct = default)
    {
        var ladder = (await new ProgrammeRulesStore(db, clock).GetActiveAsync(options.Value.Preset, ct)).Ladder;
        var done = 0;
        long after = 0;
        while (true)
        {
            var batch = await db.MessageOutbox.AsNoTracking()
                .Where(o => o.ProcessedAt == null && o.Kind == OutboxKinds.TierChanged && o.Id > after)
                .OrderBy(o => o.Id).Take(options.Value.BatchSize).ToListAsync(ct);
            if (batch.Count == 0) break;
            foreach (var item in batch)
            {
                var payload = JsonSerializer.Deserialize<TierPayload>(item.PayloadJson, JsonOptions) ?? new TierPayload(null, null, null);
                var from = ladder.Tiers.FirstOrDefault(t => t.Code == payload.From);
                var to = ladder.Tiers.FirstOrDefault(t => t.Code == payload.To);
                var up = from is null || (to is not null && to.Level > from.Level);
                await dispatcher.SendAsync(new MessageRequest(item.MemberId, MessageKinds.TierChanged, item.IdempotencyKey,
                    new Dictionary<string, string>
                    {
                        ["from"] = from?.Name ?? payload.From ?? "-",
                        ["to"] = to?.Name ?? payload.To ?? "-",
                        ["direction"] = up ? "升级" : "调整",
                        ["date"] = clock.DateOf(item.CreatedAt).ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
                    }), ct);
                await db.MessageOutbox.Where(o => o.Id == item.Id)
                    .ExecuteUpdateAsync(s => s.SetProperty(o => o.ProcessedAt, clock.UtcNow.UtcDateTime), ct);
                done++;
            }
            after = batch[^1].Id;
            db.ChangeTracker.Clear();
        }
        if (done > 0) logger.LogInformation("Tier notices: {Count} outbox message(s) handled", done);
        return done;
    }

    private static readonly JsonSerializerOptions JsonOptions = new(JsonSerializerDefaults.Web);

    private sealed record TierPayload(string? From, string? To, string? Reason);
}
