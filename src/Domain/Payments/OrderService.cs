using System.Globalization;
using System.Security.Cryptography;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using WechatLoyalty.Domain.Common;
using WechatLoyalty.Domain.Data;
using WechatLoyalty.Domain.Points;
using WechatLoyalty.Domain.Programme;

namespace WechatLoyalty.Domain.Payments;

/// <summary>A mini-program order to create. <see cref="MemberId"/> is null for a WeChat user who has not joined yet.</summary>
public sealed record NewOrder(long IdentityId, long? MemberId, long AmountFen, string? StoreCode, string Description, long RedeemPoints);

/// <summary>
/// The database side of an order's life; the WeChat Pay calls (prepay, close) are the caller's, made between
/// these steps: <see cref="CreateAsync"/> (order + reservation in one transaction) → prepay →
/// <see cref="MarkPrepaidAsync"/>, or <see cref="CloseAsync"/> when the prepay failed or the order closes unpaid.
/// </summary>
public sealed class OrderService(
    LoyaltyDbContext db, ProgrammeRulesStore rulesStore, PointsRedemption redemption, ProgrammeClock clock,
    IOptions<PaymentsOptions> options, ILogger<OrderService> logger)
{
    public async Task<Order> CreateAsync(NewOrder request, string fallbackPreset, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(request);
        var rules = await rulesStore.GetActiveAsync(fallbackPreset, ct);
        if (request.RedeemPoints > 0 && request.MemberId is null)
            throw new DomainException("member.not_registered", "Join the programme to redeem points.", DomainErrorKind.Forbidden);
        var offset = RedemptionRules.OffsetFen(request.RedeemPoints, request.AmountFen, rules);
        long? storeId = null;
        if (request.StoreCode is { } code)
        {
            storeId = await db.Stores.Where(s => s.Code == code && s.IsActive).Select(s => (long?)s.Id).FirstOrDefaultAsync(ct)
                ?? throw new DomainException("store.unknown", $"No active store '{code}'.");
        }

        var now = clock.UtcNow.UtcDateTime;
        var order = new Order
        {
            OutTradeNo = NewOutTradeNo(clock), MemberId = request.MemberId, IdentityId = request.IdentityId, StoreId = storeId,
            Description = request.Description, AmountFen = request.AmountFen, RedeemedPoints = request.RedeemPoints,
            RedeemOffsetFen = offset, ChargeFen = request.AmountFen - offset, Status = OrderStatus.Created,
            // Whole seconds: time_expire travels as RFC 3339 without fractions.
            TimeExpire = TruncateToSecond(now.AddMinutes(options.Value.OrderExpiryMinutes)), CreatedAt = now,
        };
        await db.ExecuteAsync(async token =>
        {
            db.Orders.Add(order);
            await db.SaveChangesAsync(token);
            // Joins this transaction: no order without its reservation, no reservation without its order.
            if (order.RedeemedPoints > 0) await redemption.ReserveAsync(order.MemberId!.Value, order.OutTradeNo, order.RedeemedPoints, token);
            return true;
        }, ct);
        logger.LogInformation("Order {OrderId} {OutTradeNo} created: {ChargeFen} fen to charge, {Points} points reserved",
            order.Id, order.OutTradeNo, order.ChargeFen, order.RedeemedPoints);
        return order;
    }

    /// <summary>WeChat Pay issued a prepay_id. Only a Created order moves: a notification may already have marked it Paid.</summary>
    public Task MarkPrepaidAsync(string outTradeNo, string prepayId, CancellationToken ct) =>
        db.Orders.Where(o => o.OutTradeNo == outTradeNo && o.Status == OrderStatus.Created)
            .ExecuteUpdateAsync(s => s.SetProperty(o => o.Status, OrderStatus.Prepaid).SetProperty(o => o.PrepayId, prepayId), ct);

    /// <summary>
    /// Closes an unpaid order and gives its points back, in one transaction; idempotent. Conflict if it was paid.
    /// Lock order: the order, then (inside the release) the member, as the payment recorder does.
    /// </summary>
    public Task CloseAsync(string outTradeNo, string why, CancellationToken ct) => db.ExecuteAsync(async token =>
    {
        var order = (await db.Orders.FromSqlInterpolated($"SELECT * FROM orders WHERE out_trade_no = {outTradeNo} FOR UPDATE")
            .AsNoTracking().ToListAsync(token)).SingleOrDefault()
            ?? throw new DomainException("order.unknown", "No such order.", DomainErrorKind.NotFound);
        if (order.Status == OrderStatus.Paid)
            throw new DomainException("order.paid", "The order is paid; refund it instead.", DomainErrorKind.Conflict);
        if (order.Status == OrderStatus.Closed) return false;
        await db.Database.ExecuteSqlInterpolatedAsync(
            $"UPDATE orders SET status = {nameof(OrderStatus.Closed)}, closed_at = {clock.UtcNow.UtcDateTime} WHERE id = {order.Id}", token);
        if (order.RedeemedPoints > 0) await redemption.ReleaseAsync(order.OutTradeNo, token);
        logger.LogInformation("Order {OrderId} {OutTradeNo} closed unpaid ({Why})", order.Id, order.OutTradeNo, why);
        return true;
    }, ct);

    private static DateTime TruncateToSecond(DateTime t) => new(t.Ticks - t.Ticks % TimeSpan.TicksPerSecond, DateTimeKind.Utc);

    /// <summary>LP + programme-local timestamp + 10 random digits: 26 characters of [0-9A-Z], unique in practice, unguessable.</summary>
    internal static string NewOutTradeNo(ProgrammeClock clock)
    {
        var local = TimeZoneInfo.ConvertTime(clock.UtcNow, clock.Zone);
        var random = RandomNumberGenerator.GetInt32(0, 100_000) * 100_000L + RandomNumberGenerator.GetInt32(0, 100_000);
        return string.Create(CultureInfo.InvariantCulture, $"LP{local:yyyyMMddHHmmss}{random:0000000000}");
    }
}
