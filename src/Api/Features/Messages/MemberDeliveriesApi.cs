using System.ComponentModel.DataAnnotations;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;
using WechatLoyalty.Api.Infrastructure.Auth;
using WechatLoyalty.Domain.Common;
using WechatLoyalty.Domain.Data;
using WechatLoyalty.Domain.Messaging;

namespace WechatLoyalty.Api.Features.Messages;

/// <summary>A member's message deliveries for the console: what was sent when, on which channel, and what WeChat said.</summary>
internal static class MemberDeliveriesApi
{
    public static IEndpointRouteBuilder MapMemberDeliveriesApi(this IEndpointRouteBuilder app)
    {
        app.MapGet("/api/admin/members/{memberId:long}/deliveries", List).WithTags("Messages").RequireAuthorization(Policies.Marketing)
            .WithSummary("The member's message deliveries, newest first (page with ?beforeId=).");
        return app;
    }

    public sealed record DeliveryResponse(
        long Id, string Kind, string OccasionKey, long? CampaignId, DeliveryChannel Channel, string? TemplateId, DeliveryStatus Status,
        int? Errcode, long? Msgid, string? Reason, int Attempts, DateTime CreatedAt, DateTime UpdatedAt, DateTime? FinishedAt, DateTime? NextAttemptAt);

    internal static async Task<Ok<List<DeliveryResponse>>> List(
        long memberId, LoyaltyDbContext db, CancellationToken ct, [Range(1, 200)] int limit = 50, long? beforeId = null)
    {
        if (!await db.Members.AnyAsync(m => m.Id == memberId, ct))
            throw new DomainException("member.unknown", "No such member.", DomainErrorKind.NotFound);
        var rows = await db.MessageDeliveries.AsNoTracking()
            .Where(d => d.MemberId == memberId && (beforeId == null || d.Id < beforeId))
            .OrderByDescending(d => d.Id).Take(limit)
            .Select(d => new DeliveryResponse(d.Id, d.Kind, d.OccasionKey, d.CampaignId, d.Channel, d.TemplateId, d.Status, d.Errcode, d.Msgid,
                d.Reason, d.Attempts, d.CreatedAt, d.UpdatedAt, d.FinishedAt, d.NextAttemptAt))
            .ToListAsync(ct);
        return TypedResults.Ok(rows);
    }
}
