using System.ComponentModel.DataAnnotations;
using System.Net;
using System.Security.Claims;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using WechatLoyalty.Api.Features.Console;
using WechatLoyalty.Api.Infrastructure;
using WechatLoyalty.Api.Infrastructure.Auth;
using WechatLoyalty.Domain.Admin;
using WechatLoyalty.Domain.Common;
using WechatLoyalty.Domain.Data;
using WechatLoyalty.Domain.Members;
using WechatLoyalty.Domain.Payments;
using WechatLoyalty.Jobs.Payments;
using WechatLoyalty.Wechat.Pay;

namespace WechatLoyalty.Api.Features.Payments;

/// <summary>
/// A store's POS records a WeChat Pay purchase for a member: the member's dynamic code (scanned from the card) plus
/// the WeChat Pay transaction id. The amount comes from WeChat Pay's order query, never from the request; only
/// trade_state SUCCESS counts. Idempotent by transaction id: a repeat answers what the first recorded.
/// </summary>
internal static class PosPurchasesApi
{
    public static void MapPosPurchasesApi(this IEndpointRouteBuilder app) =>
        app.MapPost("/api/pos/purchases", Record).WithTags("POS").RequireAuthorization(Policies.AnyStaff)
            .WithSummary("Record an in-store WeChat Pay purchase for the member whose dynamic code was scanned.");

    /// <param name="StoreCode">Admins only (they belong to no store); store staff record for their own store.</param>
    public sealed record PosPurchaseRequest(
        [Required, StringLength(20, MinimumLength = 20)] string MemberCode,
        [Required, StringLength(32, MinimumLength = 1)] string TransactionId,
        [MaxLength(12)] string? StoreCode);

    public sealed record PosPurchaseResponse(long PaymentId, string TransactionId, long MemberId, long TotalFen, long PayerTotalFen, long PointsEarned);

    internal static async Task<Ok<PosPurchaseResponse>> Record(
        PosPurchaseRequest request, ClaimsPrincipal user, LoyaltyDbContext db, DynamicMemberCode codes, WechatPayClient pay,
        PaymentRecorder recorder, TimeProvider time, IOptions<WechatPayOptions> payOptions, IOptions<ProgrammeOptions> programme,
        CancellationToken ct)
    {
        if (user.IsInRole(nameof(AdminRole.Marketing)))
            throw new DomainException("pos.forbidden", "Only store staff and admins record purchases.", DomainErrorKind.Forbidden);
        var storeId = await StoreOfAsync(user, request.StoreCode, db, ct);
        var memberId = codes.Verify(request.MemberCode)
            ?? throw new DomainException("member_code.invalid", "The member code is invalid or expired; scan it again.");

        Wechat.Pay.Notifications.TransactionResource transaction;
        try
        {
            transaction = await pay.QueryByTransactionIdAsync(request.TransactionId, ct);
        }
        catch (WechatPayException ex) when (ex.StatusCode == HttpStatusCode.NotFound || ex.Code == "ORDER_NOT_EXIST")
        {
            throw new DomainException("payment.unknown", "WeChat Pay knows no such transaction.", DomainErrorKind.NotFound);
        }
        if (transaction.Mchid != payOptions.Value.MchId || transaction.TradeState != WechatPayMapping.Success)
            throw new DomainException("payment.not_paid", $"WeChat Pay reports the transaction as {transaction.TradeState}.", DomainErrorKind.Conflict);
        var paid = WechatPayMapping.ToPaid(transaction, PaymentChannel.InStore, time.GetUtcNow().UtcDateTime, memberId, storeId)
            ?? throw new DomainException("payment.incomplete", "WeChat Pay's answer lacks the payer or amount.", DomainErrorKind.Conflict);

        var result = await recorder.RecordAsync(paid, programme.Value.Preset, ct);
        if (result.Status == PaymentRecordStatus.Rejected) throw new DomainException("payment.rejected", result.RejectReason!);
        if (result.MemberId != memberId)
            throw new DomainException("payment.other_member", "This purchase is already recorded for another customer.", DomainErrorKind.Conflict);
        if (result.Status == PaymentRecordStatus.Recorded)
        {
            // Who recorded the purchase at the till. The recorder commits payment, points and tier in its own
            // exactly-once transaction (shared with WeChat Pay's notifications); the audit entry follows it, and a
            // purchase recorded before (a second scan) audits nothing.
            db.ChangeTracker.Clear();
            db.AuditLog.Add(AuditEntry.Create(user.ConsoleActor(), AuditActions.PosPurchase, "payment", result.PaymentId, null,
                new { paid.TransactionId, MemberId = memberId, StoreId = storeId, paid.TotalFen, PointsEarned = result.Points }, time.GetUtcNow().UtcDateTime));
            await db.SaveChangesAsync(ct);
        }
        return TypedResults.Ok(new PosPurchaseResponse(result.PaymentId!.Value, paid.TransactionId, memberId, paid.TotalFen, paid.PayerTotalFen, result.Points));
    }

    /// <summary>The clerk's or manager's own store; an admin names one. Naming another store than one's own is 403.</summary>
    private static async Task<long> StoreOfAsync(ClaimsPrincipal user, string? storeCode, LoyaltyDbContext db, CancellationToken ct)
    {
        long? named = storeCode is null ? null
            : await db.Stores.Where(s => s.Code == storeCode && s.IsActive).Select(s => (long?)s.Id).FirstOrDefaultAsync(ct)
              ?? throw new DomainException("store.unknown", $"No active store '{storeCode}'.");
        if (user.RestrictedStoreId() is { } own and > 0)
        {
            if (named is not null && named != own)
                throw new DomainException("pos.other_store", "Record purchases for your own store.", DomainErrorKind.Forbidden);
            return own;
        }
        return named ?? throw new DomainException("pos.store_required", "Name the store (storeCode) the purchase was made in.");
    }
}
