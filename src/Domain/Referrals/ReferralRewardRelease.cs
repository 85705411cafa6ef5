using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using WechatLoyalty.Domain.Common;
using WechatLoyalty.Domain.Data;
using WechatLoyalty.Domain.Points;
using WechatLoyalty.Domain.Programme;

namespace WechatLoyalty.Domain.Referrals;

/// <summary>
/// Pays pending referrer rewards whose return window has closed: one referral per transaction (row lock, then the
/// ledger credit under <see cref="ReferralKeys.Reward"/>), so a crash loses nothing and a re-run pays nothing twice.
/// </summary>
public sealed class ReferralRewardRelease(
    LoyaltyDbContext db, PointsLedger ledger, ProgrammeRulesStore rulesStore, ProgrammeClock clock, IOptions<ReferralsOptions> options,
    ILogger<ReferralRewardRelease> logger)
{
    /// <summary>Releases every due reward, batch by batch; returns how many were paid.</summary>
    public async Task<int> ReleaseDueAsync(string fallbackPreset, CancellationToken ct)
    {
        var rules = await rulesStore.GetActiveAsync(fallbackPreset, ct);
        var batchSize = options.Value.ReleaseBatchSize;
        var paid = 0;
        long afterId = 0;
        while (true)
        {
            var now = clock.UtcNow.UtcDateTime;
            var due = await db.Referrals.AsNoTracking()
                .Where(r => r.Status == ReferralStatus.RewardPending && r.RewardPendingUntil <= now && r.Id > afterId)
                .OrderBy(r => r.Id).Select(r => r.Id).Take(batchSize).ToListAsync(ct);
            foreach (var id in due)
            {
                if (await db.ExecuteAsync(token => ReleaseOneAsync(id, rules, token), ct)) paid++;
                db.ChangeTracker.Clear();
            }
            if (due.Count < batchSize) return paid;
            afterId = due[^1];
        }
    }

    private async Task<bool> ReleaseOneAsync(long referralId, ProgrammeRules rules, CancellationToken ct)
    {
        // A retried attempt starts from the database, not from what the rolled-back one left tracked.
        db.ChangeTracker.Clear();
        var referral = (await db.Referrals.FromSqlInterpolated($"SELECT * FROM referrals WHERE id = {referralId} FOR UPDATE").ToListAsync(ct)).Single();
        var now = clock.UtcNow;
        if (referral.Status != ReferralStatus.RewardPending || referral.RewardPendingUntil > now.UtcDateTime) return false;
        var referrerDeleted = await db.Members.Where(m => m.Id == referral.ReferrerMemberId).Select(m => m.DeletedAt != null).SingleAsync(ct);
        if (referrerDeleted)
        {
            referral.Status = ReferralStatus.RewardRefused;
            referral.RewardReason = RefusalReasons.ReferrerDeleted;
            db.ReferralRefusals.Add(new ReferralRefusal
            {
                Stage = ReferralStage.Reward, Reason = RefusalReasons.ReferrerDeleted, ReferrerMemberId = referral.ReferrerMemberId,
                RefereeMemberId = referral.RefereeMemberId, ReferralId = referral.Id, Code = referral.Code, At = now.UtcDateTime,
            });
            await db.SaveChangesAsync(ct);
            return false;
        }
        if (referral.RewardPoints > 0)
        {
            await ledger.CreditAsync(new PointsCredit(referral.ReferrerMemberId, referral.RewardPoints, PointSource.Referral,
                ReferralKeys.Reward(referral.Id), now.UtcDateTime, PointsRules.ExpiresAtUtc(now, rules.PointsExpiryMonths, clock),
                Reason: "Referral reward: a friend's first purchase"), ct);
        }
        referral.Status = ReferralStatus.RewardPaid;
        referral.RewardPaidAt = now.UtcDateTime;
        await db.SaveChangesAsync(ct);
        logger.LogInformation("Referral {ReferralId}: {Points} points paid to member {ReferrerId}", referral.Id, referral.RewardPoints, referral.ReferrerMemberId);
        return true;
    }
}
