using System.ComponentModel.DataAnnotations;
using System.Security.Claims;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using WechatLoyalty.Api.Infrastructure;
using WechatLoyalty.Api.Infrastructure.Auth;
using WechatLoyalty.Domain.Admin;
using WechatLoyalty.Domain.Data;
using WechatLoyalty.Domain.Points;
using WechatLoyalty.Domain.Programme;

namespace WechatLoyalty.Api.Features.Points;

/// <summary>The member's points history (newest first, keyset-paged) and the admin's audited manual adjustment.</summary>
internal static class PointsApi
{
    public static void MapPointsApi(this IEndpointRouteBuilder app)
    {
        app.MapGet("/api/members/me/points", History).WithTags("Points").RequireAuthorization(Policies.Member)
            .WithSummary("The caller's points ledger, newest first; pass nextBefore as before for the next page.");
        app.MapPost("/api/admin/members/{id:long}/points/adjustments", Adjust).WithTags("Points").RequireAuthorization(Policies.Admin)
            .WithSummary("Add or take points with a mandatory reason; recorded with who did it. requestId makes a retry harmless.");
    }

    public sealed record AdjustmentRequest(
        [Range(-1_000_000, 1_000_000)] long Points,
        [Required, MaxLength(200)] string Reason,
        Guid RequestId,
        bool AllowNegativeBalance = false);

    public sealed record AdjustmentResponse(long EntryId, long Delta, long BalanceAfter, bool Replayed);

    internal static async Task<Ok<PointsHistoryPage>> History(
        ClaimsPrincipal user, LoyaltyDbContext db, PointsHistory history, long? before, int? size, CancellationToken ct) =>
        TypedResults.Ok(await history.GetPageAsync(await user.MemberIdAsync(db, ct), before, size ?? 20, ct));

    internal static async Task<Ok<AdjustmentResponse>> Adjust(
        long id, AdjustmentRequest request, ClaimsPrincipal user, LoyaltyDbContext db, PointsLedger ledger, ProgrammeRulesStore rulesStore,
        IOptions<ProgrammeOptions> programme, CancellationToken ct)
    {
        var result = await AdjustAuditedAsync(id, request, user, db, ledger, rulesStore, programme.Value.Preset, ct);
        return TypedResults.Ok(new AdjustmentResponse(result.EntryId, result.Delta, result.BalanceAfter, result.Replayed));
    }

    /// <summary>The adjustment and its audit entry in one transaction (the ledger joins it); a replay audits nothing.</summary>
    internal static async Task<LedgerResult> AdjustAuditedAsync(long memberId, AdjustmentRequest request, ClaimsPrincipal user,
        LoyaltyDbContext db, PointsLedger ledger, ProgrammeRulesStore rulesStore, string preset, CancellationToken ct)
    {
        var rules = await rulesStore.GetActiveAsync(preset, ct);
        // The actor is the signed-in console user, never a field of the request.
        var actor = user.Identity?.Name ?? "";
        return await db.ExecuteAsync(async token =>
        {
            var result = await ledger.AdjustAsync(new ManualAdjustment(memberId, request.Points, request.Reason, actor,
                request.RequestId, request.AllowNegativeBalance), rules, token);
            if (!result.Replayed)
            {
                var at = await db.PointEntries.Where(e => e.Id == result.EntryId).Select(e => e.CreatedAt).SingleAsync(token);
                db.AuditLog.Add(AuditEntry.Create(actor, AuditActions.PointsAdjust, "member", memberId,
                    new { PointsBalance = result.BalanceAfter - result.Delta },
                    new { PointsBalance = result.BalanceAfter, result.Delta, Reason = request.Reason.Trim(), result.EntryId }, at));
                await db.SaveChangesAsync(token);
            }
            return result;
        }, ct);
    }
}
