using System.Security.Claims;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;
using WechatLoyalty.Api.Infrastructure.Auth;
using WechatLoyalty.Domain.Common;
using WechatLoyalty.Domain.Data;
using WechatLoyalty.Domain.Messaging;

namespace WechatLoyalty.Api.Features.Messages;

/// <summary>
/// The member's consents to mini-program subscription messages: the templates to ask for (by kind), and the
/// results of <c>wx.requestSubscribeMessage</c>, each accept one send credit.
/// </summary>
internal static class SubscriptionsApi
{
    public static IEndpointRouteBuilder MapSubscriptionsApi(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/api/members/me/subscriptions").WithTags("Messages").RequireAuthorization(Policies.Member);
        group.MapGet("/", Get).WithSummary("The subscription templates to request (by message kind) and the member's remaining consents.");
        group.MapPost("/", Record).WithSummary("Record wx.requestSubscribeMessage's result: {\"results\": {\"<templateId>\": \"accept|reject|ban|filter\"}}.");
        return app;
    }

    /// <summary>The result object of wx.requestSubscribeMessage, template id → accept / reject / ban / filter.</summary>
    public sealed record SubscriptionRequest(Dictionary<string, string>? Results);

    public sealed record TemplateToRequest(string Kind, string TemplateId);

    public sealed record CreditResponse(string TemplateId, int Credits, bool Banned, SubscriptionDecision LastDecision, DateTime LastDecisionAt);

    public sealed record SubscriptionsResponse(IReadOnlyList<TemplateToRequest> Templates, IReadOnlyList<CreditResponse> Credits);

    internal static async Task<Ok<SubscriptionsResponse>> Get(ClaimsPrincipal user, LoyaltyDbContext db, SubscriptionConsents consents, CancellationToken ct)
    {
        var memberId = await user.MemberIdAsync(db, ct);
        return TypedResults.Ok(await ResponseAsync(db, await consents.CreditsAsync(memberId, ct), ct));
    }

    internal static async Task<Ok<SubscriptionsResponse>> Record(
        SubscriptionRequest request, ClaimsPrincipal user, LoyaltyDbContext db, SubscriptionConsents consents, CancellationToken ct)
    {
        var memberId = await user.MemberIdAsync(db, ct);
        if (request.Results is null)
            throw new DomainException("subscriptions.results_missing", "Give 'results', as wx.requestSubscribeMessage returns them.");
        // The client passes WeChat's result object through as it is; its errMsg entry is not a template.
        var decisions = request.Results.Where(r => r.Key != "errMsg")
            .ToDictionary(r => r.Key, r => SubscriptionConsents.ParseDecision(r.Key, r.Value), StringComparer.Ordinal);
        var credits = await consents.RecordAsync(memberId, decisions, ct);
        return TypedResults.Ok(await ResponseAsync(db, credits, ct));
    }

    private static async Task<SubscriptionsResponse> ResponseAsync(LoyaltyDbContext db, IReadOnlyList<SubscriptionCredit> credits, CancellationToken ct)
    {
        var templates = await db.MessageTemplates.AsNoTracking().Where(t => t.Enabled && t.MpTemplateId != null)
            .OrderBy(t => t.Kind).Select(t => new TemplateToRequest(t.Kind, t.MpTemplateId!)).ToListAsync(ct);
        return new SubscriptionsResponse(templates,
            [.. credits.Select(c => new CreditResponse(c.TemplateId, c.Credits, c.Banned, c.LastDecision, c.LastDecisionAt))]);
    }
}
