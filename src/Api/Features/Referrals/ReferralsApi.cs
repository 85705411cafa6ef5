using System.ComponentModel.DataAnnotations;
using System.Security.Claims;
using System.Security.Cryptography;
using System.Text;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using StackExchange.Redis;
using WechatLoyalty.Api.Features.Stores;
using WechatLoyalty.Api.Infrastructure.Auth;
using WechatLoyalty.Domain.Common;
using WechatLoyalty.Domain.Data;
using WechatLoyalty.Domain.Members;
using WechatLoyalty.Domain.Referrals;
using WechatLoyalty.Jobs.Hosting;
using WechatLoyalty.Wechat;
using WechatLoyalty.Wechat.MiniProgram;

namespace WechatLoyalty.Api.Features.Referrals;

/// <summary>
/// The member's side of referrals: the share card for onShareAppMessage, the poster, card opens (with the group's
/// opengid from the decrypted share info), and the referrer's own view. Marketing's views are in
/// <see cref="ReferralReportsApi"/>.
/// </summary>
internal static class ReferralsApi
{
    private static readonly TimeSpan PosterCacheFor = TimeSpan.FromDays(30);

    public static void MapReferralsApi(this IEndpointRouteBuilder app)
    {
        var me = app.MapGroup("/api/members/me").WithTags("Referrals").RequireAuthorization(Policies.Member);
        me.MapGet("/referral-card", Card).WithSummary("What onShareAppMessage needs (title, path with the code, image) and the poster's URL.");
        me.MapGet("/referral-card/poster.png", Poster).WithSummary("The referral poster: a PNG with the member's mini-program code (scene r=<code>).");
        me.MapGet("/referrals", Mine).WithSummary("Friends who joined through the member (masked names), pending and paid rewards.");
        app.MapPost("/api/referrals/opens", Open).WithTags("Referrals").RequireAuthorization(Policies.Member)
            .WithSummary("A referral card was opened (code, launch scene, and the group share info when opened from a group).");
        app.MapReferralReportsApi();
    }

    public sealed record ReferralCardResponse(string Code, string Title, string Path, string? ImageUrl, string Scene, string PosterUrl);

    public sealed record CardOpenRequest(
        [Required, MaxLength(16)] string Code,
        [Range(1000, 9999)] int? Scene,
        [MaxLength(4096)] string? EncryptedData,
        [MaxLength(64)] string? Iv);

    public sealed record CardOpenResponse(bool Recorded, string Source, bool GroupRecorded);

    internal static async Task<Ok<ReferralCardResponse>> Card(
        ClaimsPrincipal user, LoyaltyDbContext db, IOptions<ReferralsOptions> options, IOptions<MembersOptions> members, CancellationToken ct)
    {
        var memberId = await user.MemberIdAsync(db, ct);
        var member = await db.Members.AsNoTracking().Where(m => m.Id == memberId).Select(m => new { m.ReferralCode, m.Nickname }).SingleAsync(ct);
        return TypedResults.Ok(new ReferralCardResponse(
            member.ReferralCode,
            Title(options.Value, member.Nickname),
            $"/{members.Value.JoinPage}?ref={member.ReferralCode}",
            string.IsNullOrWhiteSpace(options.Value.CardImageUrl) ? null : options.Value.CardImageUrl,
            SceneOf(member.ReferralCode),
            "/api/members/me/referral-card/poster.png"));
    }

    internal static async Task<IResult> Poster(
        ClaimsPrincipal user, LoyaltyDbContext db, MiniProgramClient wechat, IConnectionMultiplexer redis, RedisKeys keys,
        IOptions<ReferralsOptions> options, IOptions<MembersOptions> members, ReferralPoster poster, ILoggerFactory loggers, CancellationToken ct)
    {
        var memberId = await user.MemberIdAsync(db, ct);
        var member = await db.Members.AsNoTracking().Where(m => m.Id == memberId).Select(m => new { m.ReferralCode, m.Nickname }).SingleAsync(ct);
        var scene = SceneOf(member.ReferralCode);
        var page = members.Value.JoinPage;
        var headline = Title(options.Value, member.Nickname);
        // Everything drawn is in the key, so a renamed member or a new page gets a new poster.
        var cacheKey = keys.For("referrals", "poster", Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes($"{page}\n{scene}\n{headline}"))));
        var fileName = $"referral-{member.ReferralCode}.png";
        var log = loggers.CreateLogger("Referrals.Poster");

        var cached = await TryRedisAsync(() => redis.GetDatabase().StringGetAsync(cacheKey), log);
        if (cached is { HasValue: true } hit) return TypedResults.File((byte[])hit!, "image/png", fileName);

        WxaCodeImage code;
        try
        {
            code = await wechat.GetUnlimitedQrCodeAsync(new WxaGetWxaCodeUnlimitRequest { Scene = scene, Page = page }, ct);
        }
        catch (WechatApiException ex)
        {
            log.LogWarning("wxacode.getUnlimited failed with {ErrCode}; no poster this time", ex.ErrCode);
            return TypedResults.Problem(title: "WeChat could not make the mini-program code now; try again shortly.",
                statusCode: StatusCodes.Status503ServiceUnavailable, extensions: new Dictionary<string, object?> { ["code"] = "wechat.unavailable" });
        }
        var png = poster.Compose(code.Content, headline, "长按识别小程序码，加入会员", member.ReferralCode);
        if (png is null)
        {
            log.LogError("wxacode.getUnlimited returned {Bytes} bytes that are not an image", code.Content.Length);
            return TypedResults.Problem(title: "WeChat returned an unreadable mini-program code.", statusCode: StatusCodes.Status502BadGateway,
                extensions: new Dictionary<string, object?> { ["code"] = "wechat.bad_image" });
        }
        await TryRedisAsync(() => redis.GetDatabase().StringSetAsync(cacheKey, png, PosterCacheFor), log);
        return TypedResults.File(png, "image/png", fileName);
    }

    internal static async Task<Ok<MyReferrals>> Mine(ClaimsPrincipal user, LoyaltyDbContext db, ReferralQueries queries, CancellationToken ct) =>
        TypedResults.Ok(await queries.ForReferrerAsync(await user.MemberIdAsync(db, ct), ct));

    internal static async Task<Ok<CardOpenResponse>> Open(
        CardOpenRequest request, ClaimsPrincipal user, IdentityService identities, ReferralCardOpens opens, IOptions<MiniProgramOptions> mp,
        CancellationToken ct)
    {
        var code = LaunchScene.Parse("r=" + request.Code).ReferralCode
            ?? throw new DomainException("referral.code_invalid", "The referral code is malformed.");
        if ((request.EncryptedData is null) != (request.Iv is null))
            throw new DomainException("share_info.incomplete", "encryptedData and iv come together.");
        var identityId = user.IdentityId();
        string? openGid = null;
        if (request.EncryptedData is not null)
        {
            var sessionKey = await identities.GetSessionKeyAsync(identityId, ct)
                ?? throw new DomainException("share_info.no_session", "No WeChat session to decrypt the share info with; log in again.");
            try
            {
                openGid = OpenDataCrypto.DecryptGroupId(sessionKey, request.Iv!, request.EncryptedData, mp.Value.AppId);
            }
            catch (OpenDataException ex)
            {
                throw new DomainException("share_info.invalid", ex.Reason == OpenDataError.DecryptionFailed
                    ? "The share info does not decrypt with the current session (wx.login may have rotated the key); log in again and resend."
                    : "The share info is not valid group share data for this mini-program.");
            }
            if (openGid.Length > 64) throw new DomainException("share_info.invalid", "The group id is too long.");
        }
        var opened = await opens.RecordAsync(identityId, code, request.Scene, openGid, ct);
        return TypedResults.Ok(new CardOpenResponse(!opened.OwnCard, opened.Source.ToString(), opened.GroupRecorded));
    }

    /// <summary>The wxacode scene: <c>r=&lt;code&gt;</c>, which LaunchScene.Parse reads back at registration.</summary>
    internal static string SceneOf(string code) => "r=" + code;

    private static string Title(ReferralsOptions options, string? nickname) =>
        options.CardTitle.Replace("{name}", string.IsNullOrWhiteSpace(nickname) ? "好友" : nickname.Trim(), StringComparison.Ordinal);

    /// <summary>The cache is an optimisation: with Redis down the poster is made every time.</summary>
    private static async Task<T?> TryRedisAsync<T>(Func<Task<T>> call, ILogger log)
    {
        try
        {
            return await call();
        }
        catch (RedisException ex)
        {
            log.LogWarning(ex, "Redis unavailable for the poster cache; continuing without it");
            return default;
        }
    }
}
