using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using WechatLoyalty.Domain.Common;
using WechatLoyalty.Domain.Data;
using WechatLoyalty.Domain.Programme;

namespace WechatLoyalty.Domain.Payments;

/// <summary>
/// A payer who joins within the claim window (default 30 days) gets the points of the payments they made before
/// joining (loyalty-rules §3 "non-member payers"): each such payment is attached to the member and earns as if the
/// member had paid then (tier multiplier of today's tier, pending window counted from the payment). Idempotent:
/// only payments without a member are claimed, under the member lock, and the ledger key is the transaction id.
/// </summary>
public sealed class PaymentClaims(
    LoyaltyDbContext db, ProgrammeRulesStore rulesStore, PaymentEarnings earnings, ProgrammeClock clock,
    IOptions<PaymentsOptions> options, ILogger<PaymentClaims> logger)
{
    public async Task<int> ClaimAsync(long memberId, string fallbackPreset, CancellationToken ct)
    {
        var rules = await rulesStore.GetActiveAsync(fallbackPreset, ct);
        var since = clock.UtcNow.UtcDateTime.AddDays(-options.Value.ClaimWindowDays);
        return await db.ExecuteAsync(async token =>
        {
            var member = await earnings.LockMemberAsync(memberId, token);
            if (member is null) return 0;
            var tierCode = member.TierCode;
            var identities = await db.MemberIdentities.AsNoTracking().Where(i => i.MemberId == memberId)
                .Select(i => new { i.Id, i.OpenId }).ToListAsync(token);
            if (identities.Count == 0) return 0;
            var identityIds = identities.Select(i => i.Id).ToList();
            // Orders placed before joining become the member's, so they show in the member's order list.
            await db.Orders.Where(o => o.MemberId == null && identityIds.Contains(o.IdentityId))
                .ExecuteUpdateAsync(s => s.SetProperty(o => o.MemberId, memberId), token);

            var openIds = identities.Select(i => i.OpenId).ToList();
            var payments = await db.Payments.Where(p => p.MemberId == null && openIds.Contains(p.PayerOpenId) && p.PaidAt >= since)
                .OrderBy(p => p.Id).AsNoTracking().ToListAsync(token);
            foreach (var payment in payments)
            {
                // Guarded by member_id IS NULL: a payment is claimed once even against a concurrent claim by another member.
                var claimed = await db.Payments.Where(p => p.Id == payment.Id && p.MemberId == null)
                    .ExecuteUpdateAsync(s => s.SetProperty(p => p.MemberId, memberId), token);
                if (claimed == 0) continue;
                payment.MemberId = memberId;
                // Without the account: each credit locks it afresh (the previous one changed it).
                var (points, upgradedTo) = await earnings.ApplyAsync(payment, new EarningMember(memberId, tierCode, null), rules, token);
                tierCode = upgradedTo ?? tierCode;
                logger.LogInformation("Payment {PaymentId} claimed by member {MemberId}: {Points} points", payment.Id, memberId, points);
            }
            return payments.Count;
        }, ct);
    }
}
