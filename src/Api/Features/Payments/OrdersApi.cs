using System.ComponentModel.DataAnnotations;
using System.Security.Claims;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using WechatLoyalty.Api.Infrastructure;
using WechatLoyalty.Api.Infrastructure.Auth;
using WechatLoyalty.Domain.Common;
using WechatLoyalty.Domain.Data;
using WechatLoyalty.Domain.Payments;
using WechatLoyalty.Wechat.Pay;
using WechatLoyalty.Wechat.Pay.Transactions;

namespace WechatLoyalty.Api.Features.Payments;

/// <summary>
/// Mini-program orders: create (optional points redemption) → JSAPI prepay → the wx.requestPayment parameters;
/// poll; close unpaid. Any logged-in WeChat user may order (a payer who joins later claims the points); only
/// members redeem. An order is visible to the identity that placed it and to its member only.
/// </summary>
internal static class OrdersApi
{
    public static void MapOrdersApi(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/api/orders").WithTags("Orders").RequireAuthorization(Policies.Member);
        group.MapPost("/", Create).WithSummary("Create an order and its WeChat Pay prepay; returns the wx.requestPayment parameters.");
        group.MapGet("/{outTradeNo}", Get).WithSummary("The caller's order, for polling after wx.requestPayment.");
        group.MapPost("/{outTradeNo}/close", Close).WithSummary("Close the caller's unpaid order; redeemed points come back.");
    }

    public sealed record CreateOrderRequest(
        [Range(1, 100_000_000)] long AmountFen,
        [MaxLength(12)] string? StoreCode,
        [Required, MaxLength(127)] string Description,
        [Range(0, 100_000_000)] long? RedeemPoints);

    public sealed record OrderResponse(
        string OutTradeNo, OrderStatus Status, long AmountFen, long RedeemedPoints, long RedeemOffsetFen, long ChargeFen,
        DateTime TimeExpire, DateTime? PaidAt, long? PointsEarned);

    public sealed record CreatedOrderResponse(OrderResponse Order, RequestPaymentParameters RequestPayment);

    internal static async Task<Results<Created<CreatedOrderResponse>, ProblemHttpResult>> Create(
        CreateOrderRequest request, ClaimsPrincipal user, LoyaltyDbContext db, OrderService orders, WechatPayClient pay,
        RequestPaymentBuilder payments, IOptions<WechatPayOptions> payOptions, IOptions<ProgrammeOptions> programme,
        ILoggerFactory loggers, CancellationToken ct)
    {
        var identityId = user.IdentityId();
        var identity = await db.MemberIdentities.AsNoTracking().Where(i => i.Id == identityId)
            .Select(i => new { i.AppId, i.OpenId, i.MemberId }).SingleOrDefaultAsync(ct)
            ?? throw new DomainException("identity.unknown", "Log in again.", DomainErrorKind.Forbidden);
        var appId = payOptions.Value.AppId;
        // payer.openid must be an openid of the appid we pay with (the mini-program's).
        if (identity.AppId != appId) throw new DomainException("order.wrong_app", "Pay from the mini-program.", DomainErrorKind.Forbidden);

        var order = await orders.CreateAsync(new NewOrder(identityId, identity.MemberId, request.AmountFen, request.StoreCode,
            request.Description.Trim(), request.RedeemPoints ?? 0), programme.Value.Preset, ct);
        PayTransactionsJsapiResponse prepay;
        try
        {
            prepay = await pay.JsapiPrepayAsync(new PayTransactionsJsapiRequest
            {
                Appid = appId, Description = order.Description, OutTradeNo = order.OutTradeNo, Attach = $"order:{order.Id}",
                TimeExpire = new DateTimeOffset(order.TimeExpire).ToOffset(TimeSpan.FromHours(8)),
                Amount = { Total = checked((int)order.ChargeFen) }, Payer = { Openid = identity.OpenId },
            }, ct);
        }
        catch (Exception ex) when (ex is WechatPayException or HttpRequestException or TaskCanceledException && !ct.IsCancellationRequested)
        {
            var logger = loggers.CreateLogger("Payments.Orders");
            logger.LogWarning(ex, "Prepay failed for order {OrderId}; closing it", order.Id);
            await OrderClosing.AbandonAsync(pay, orders, order.OutTradeNo, logger, ct);
            return TypedResults.Problem(statusCode: StatusCodes.Status502BadGateway, title: "WeChat Pay could not take the order; try again.",
                extensions: new Dictionary<string, object?> { ["code"] = "payment.prepay_failed" });
        }

        await orders.MarkPrepaidAsync(order.OutTradeNo, prepay.PrepayId, ct);
        order.Status = order.Status == OrderStatus.Created ? OrderStatus.Prepaid : order.Status;
        var response = new CreatedOrderResponse(ToResponse(order, null), payments.Build(appId, prepay.PrepayId));
        return TypedResults.Created($"/api/orders/{order.OutTradeNo}", response);
    }

    internal static async Task<Ok<OrderResponse>> Get(string outTradeNo, ClaimsPrincipal user, LoyaltyDbContext db, CancellationToken ct)
    {
        var order = await FindOwnAsync(outTradeNo, user, db, ct);
        var points = order.TransactionId is null ? null
            : await db.Payments.Where(p => p.TransactionId == order.TransactionId).Select(p => (long?)p.PointsEarned).FirstOrDefaultAsync(ct);
        return TypedResults.Ok(ToResponse(order, points));
    }

    internal static async Task<Ok<OrderResponse>> Close(
        string outTradeNo, ClaimsPrincipal user, LoyaltyDbContext db, OrderService orders, WechatPayClient pay, CancellationToken ct)
    {
        var order = await FindOwnAsync(outTradeNo, user, db, ct);
        if (order.Status == OrderStatus.Paid)
            throw new DomainException("order.paid", "The order is paid; ask for a refund instead.", DomainErrorKind.Conflict);
        if (order.Status != OrderStatus.Closed) await OrderClosing.CloseAtWechatAndHereAsync(pay, orders, order.OutTradeNo, "closed by the member", ct);
        return TypedResults.Ok(ToResponse(await FindOwnAsync(outTradeNo, user, db, ct), null));
    }

    /// <summary>The order if the caller placed it (or is its member); 404 otherwise, so order numbers cannot be probed.</summary>
    private static async Task<Order> FindOwnAsync(string outTradeNo, ClaimsPrincipal user, LoyaltyDbContext db, CancellationToken ct)
    {
        var identityId = user.IdentityId();
        var memberId = await db.MemberIdentities.Where(i => i.Id == identityId).Select(i => i.MemberId).SingleOrDefaultAsync(ct);
        return await db.Orders.AsNoTracking()
            .SingleOrDefaultAsync(o => o.OutTradeNo == outTradeNo && (o.IdentityId == identityId || (memberId != null && o.MemberId == memberId)), ct)
            ?? throw new DomainException("order.unknown", "No such order.", DomainErrorKind.NotFound);
    }

    private static OrderResponse ToResponse(Order o, long? points) =>
        new(o.OutTradeNo, o.Status, o.AmountFen, o.RedeemedPoints, o.RedeemOffsetFen, o.ChargeFen, o.TimeExpire, o.PaidAt, points);
}
