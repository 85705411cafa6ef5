using System.ComponentModel.DataAnnotations;
using System.Security.Claims;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Options;
using WechatLoyalty.Api.Infrastructure;
using WechatLoyalty.Api.Infrastructure.Auth;
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
        long id, AdjustmentRequest request, ClaimsPrincipal user, PointsLedger ledger, ProgrammeRulesStore rulesStore,
        IOptions<ProgrammeOptions> programme, CancellationToken ct)
    {
        var rules = await rulesStore.GetActiveAsync(programme.Value.Preset, ct);
        // The actor is the signed-in console user, never a field of the request.
        var result = await ledger.AdjustAsync(new ManualAdjustment(id, request.Points, request.Reason, user.Identity?.Name ?? "",
            request.RequestId, request.AllowNegativeBalance), rules, ct);
        return TypedResults.Ok(new AdjustmentResponse(result.EntryId, result.Delta, result.BalanceAfter, result.Replayed));
    }
}
