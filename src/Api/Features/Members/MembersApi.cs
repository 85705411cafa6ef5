using System.ComponentModel.DataAnnotations;
using System.Security.Claims;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Options;
using WechatLoyalty.Api.Infrastructure;
using WechatLoyalty.Api.Infrastructure.Auth;
using WechatLoyalty.Domain.Common;
using WechatLoyalty.Domain.Data;
using WechatLoyalty.Domain.Members;
using WechatLoyalty.Domain.Payments;
using WechatLoyalty.Wechat;
using WechatLoyalty.Wechat.MiniProgram;

namespace WechatLoyalty.Api.Features.Members;

/// <summary>The member's own data. Every handler works on the caller's member only: no member id in any URL.</summary>
internal static class MembersApi
{
    public static void MapMembersApi(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/api/members").WithTags("Members").RequireAuthorization(Policies.Member);
        group.MapPost("/", Register).WithSummary("Register the logged-in WeChat user as a member (idempotent).");
        group.MapGet("/me", Card).WithSummary("The member card: tier, benefits, points, progress to the next tier.");
        group.MapPut("/me/profile", UpdateProfile).WithSummary("Nickname, gender, birthday (changeable once a year once set).");
        group.MapPost("/me/phone", BindPhone).WithSummary("Bind the phone number from a getPhoneNumber code.");
        group.MapGet("/me/code", DynamicCode).WithSummary("The rotating member code a store's POS scans (valid about 60 s).");
        group.MapDelete("/me", Delete).WithSummary("Delete the account: personal data erased, ledger kept anonymously.");
    }

    public sealed record BirthdayRequest([Range(1, 12)] int Month, [Range(1, 31)] int Day, int? Year);

    public sealed record RegisterRequest(
        [Required, MaxLength(32)] string TermsVersion,
        [Required, MaxLength(32)] string PrivacyVersion,
        [MaxLength(256)] string? Scene,
        [MaxLength(16)] string? ReferralCode,
        [MaxLength(32)] string? Nickname,
        BirthdayRequest? Birthday,
        Gender? Gender);

    public sealed record ProfileRequest([MaxLength(32)] string? Nickname, BirthdayRequest? Birthday, Gender? Gender);

    public sealed record PhoneRequest([Required, MaxLength(128)] string Code);

    public sealed record PhoneResponse(string PhoneMasked);

    public sealed record MemberCodeResponse(string Code, DateTimeOffset ExpiresAt);

    internal static async Task<Results<Created<MemberCardResponse>, Ok<MemberCardResponse>>> Register(
        RegisterRequest request, ClaimsPrincipal user, RegistrationService registration, PaymentClaims claims, MemberCardQuery cards,
        ProgrammeClock clock, IOptions<ProgrammeOptions> programme, CancellationToken ct)
    {
        var scene = LaunchScene.Parse(request.Scene);
        if (request.ReferralCode is not null && scene.ReferralCode is null)
            scene = scene with { ReferralCode = LaunchScene.Parse("r=" + request.ReferralCode).ReferralCode };
        var birthday = request.Birthday is { } b ? Birthday.Create(b.Month, b.Day, b.Year, clock.Today) : null;
        var command = new RegisterCommand(request.TermsVersion, request.PrivacyVersion, scene, request.Nickname?.Trim(), birthday,
            request.Gender ?? Gender.Unknown);

        var result = await registration.RegisterAsync(user.IdentityId(), command, programme.Value.Preset, ct);
        // Payments made before joining (within the claim window) earn their points now; idempotent, so a repeated
        // registration call or a claim interrupted half-way is simply completed.
        await claims.ClaimAsync(result.MemberId, programme.Value.Preset, ct);
        var card = MemberCardResponse.From(await cards.GetAsync(result.MemberId, programme.Value.Preset, ct));
        return result.Created ? TypedResults.Created("/api/members/me", card) : TypedResults.Ok(card);
    }

    internal static async Task<Ok<MemberCardResponse>> Card(
        ClaimsPrincipal user, LoyaltyDbContext db, MemberCardQuery cards, IOptions<ProgrammeOptions> programme, CancellationToken ct) =>
        TypedResults.Ok(MemberCardResponse.From(await cards.GetAsync(await user.MemberIdAsync(db, ct), programme.Value.Preset, ct)));

    internal static async Task<NoContent> UpdateProfile(
        ProfileRequest request, ClaimsPrincipal user, LoyaltyDbContext db, ProfileService profiles, ProgrammeClock clock, CancellationToken ct)
    {
        var birthday = request.Birthday is { } b ? Birthday.Create(b.Month, b.Day, b.Year, clock.Today) : null;
        await profiles.UpdateAsync(await user.MemberIdAsync(db, ct), new ProfileUpdate(request.Nickname, birthday, request.Gender), ct);
        return TypedResults.NoContent();
    }

    internal static async Task<Ok<PhoneResponse>> BindPhone(
        PhoneRequest request, ClaimsPrincipal user, LoyaltyDbContext db, MiniProgramClient wechat, ProfileService profiles, CancellationToken ct)
    {
        var memberId = await user.MemberIdAsync(db, ct);
        WxaBusinessGetUserPhoneNumberResponse answer;
        try
        {
            answer = await wechat.GetUserPhoneNumberAsync(request.Code, ct);
        }
        catch (WechatApiException ex) when (ex.ErrCode == WechatErrorCodes.InvalidCode)
        {
            throw new DomainException("wechat.phone_code_invalid", "The phone code is invalid or expired; ask the user to tap the button again.");
        }
        var info = answer.PhoneInfo ?? throw new DomainException("wechat.phone_missing", "WeChat returned no phone number.");
        var masked = await profiles.SetPhoneAsync(memberId, PhoneNumber.Parse(info.CountryCode, info.PurePhoneNumber), ct);
        return TypedResults.Ok(new PhoneResponse(masked));
    }

    internal static async Task<Ok<MemberCodeResponse>> DynamicCode(ClaimsPrincipal user, LoyaltyDbContext db, DynamicMemberCode codes, CancellationToken ct)
    {
        var (code, expires) = codes.Issue(await user.MemberIdAsync(db, ct));
        return TypedResults.Ok(new MemberCodeResponse(code, expires));
    }

    internal static async Task<NoContent> Delete(ClaimsPrincipal user, LoyaltyDbContext db, ProfileService profiles, CancellationToken ct)
    {
        await profiles.DeleteAsync(await user.MemberIdAsync(db, ct), ct);
        return TypedResults.NoContent();
    }
}
