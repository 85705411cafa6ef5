using System.Security.Claims;
using System.Security.Cryptography;
using System.Text;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Options;
using StackExchange.Redis;
using WechatLoyalty.Api.Infrastructure;
using WechatLoyalty.Api.Features.Console;
using WechatLoyalty.Api.Infrastructure.Auth;
using WechatLoyalty.Domain.Admin;
using WechatLoyalty.Domain.Common;
using WechatLoyalty.Domain.Data;
using WechatLoyalty.Domain.Members;
using WechatLoyalty.Wechat.MiniProgram;
using WechatLoyalty.Wechat.OfficialAccount;

namespace WechatLoyalty.Api.Features.Stores;

/// <summary>Section <c>Members</c>: where the QR codes lead.</summary>
public sealed class MembersOptions
{
    public const string Section = "Members";

    /// <summary>The published mini-program page a store QR opens (no leading slash, no query).</summary>
    public string JoinPage { get; set; } = "pages/join/index";
}

/// <summary>
/// A store's (or staff member's) join QR: a mini-program code from wxacode.getUnlimited with scene
/// <c>s=&lt;store&gt;[&amp;u=&lt;staff&gt;]</c>, cached in Redis (codes are permanent, WeChat caps the call rate);
/// and the store's permanent official-account QR, made once and kept on the store.
/// </summary>
internal static class StoreQrApi
{
    private static readonly TimeSpan CacheFor = TimeSpan.FromDays(30);

    public static void MapStoreQrApi(this RouteGroupBuilder stores)
    {
        stores.MapGet("/{id:long}/qrcode.png", MiniProgramCode).RequireAuthorization(Policies.StoreManagement)
            .WithSummary("The store's join QR (mini-program code) as PNG; ?staff=<code> attributes joins to a staff member.");
        stores.MapPost("/{id:long}/oa-qrcode", OfficialAccountCode).RequireAuthorization(Policies.StoreManagement)
            .WithSummary("The store's permanent official-account QR (follow attributed to the store).");
    }

    public sealed record OaQrResponse(string Scene, string Ticket, string Url, string ImageUrl);

    internal static async Task<FileContentHttpResult> MiniProgramCode(
        long id, string? staff, ClaimsPrincipal user, LoyaltyDbContext db, MiniProgramClient wechat, IConnectionMultiplexer redis,
        RedisKeys keys, IOptions<MembersOptions> options, ILoggerFactory loggers, CancellationToken ct)
    {
        var store = await StoresApi.LoadVisibleAsync(db, user, id, ct);
        if (staff is not null && !store.Staff.Any(s => s.Code == staff))
            throw new DomainException("staff.unknown", "No such staff member in this store.", DomainErrorKind.NotFound);
        var scene = LaunchScene.ForStore(store.Code, staff);
        var page = options.Value.JoinPage;
        var cacheKey = keys.For("qr", "wxacode", Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(page + "\n" + scene))));
        var fileName = $"join-{store.Code}{(staff is null ? "" : "-" + staff)}.png";

        var cached = await TryRedisAsync(() => redis.GetDatabase().StringGetAsync(cacheKey), loggers);
        if (cached is { HasValue: true } hit) return TypedResults.File((byte[])hit!, "image/png", fileName);

        var image = await wechat.GetUnlimitedQrCodeAsync(new WxaGetWxaCodeUnlimitRequest { Scene = scene, Page = page }, ct);
        await TryRedisAsync(() => redis.GetDatabase().StringSetAsync(cacheKey, image.Content, CacheFor), loggers);
        return TypedResults.File(image.Content, image.ContentType, fileName);
    }

    internal static async Task<Ok<OaQrResponse>> OfficialAccountCode(
        long id, ClaimsPrincipal user, LoyaltyDbContext db, OfficialAccountClient wechat, TimeProvider time, CancellationToken ct)
    {
        var store = await StoresApi.LoadVisibleAsync(db, user, id, ct);
        var scene = OfficialAccountScenes.ForStore(store.Code);
        if (store.OaQrTicket is null || store.OaQrUrl is null)
        {
            // Permanent codes are capped at 100,000 per account: make one per store, once, and keep it.
            var created = await wechat.CreateQrCodeAsync(CgibinQrcodeCreateRequest.Permanent(scene), ct);
            store.OaQrTicket = created.Ticket;
            store.OaQrUrl = created.Url;
            // The store row changes once, here; showing the kept code again changes nothing and is not audited.
            db.AuditLog.Add(AuditEntry.Create(user.ConsoleActor(), AuditActions.StoreOaQrCode, "store", store.Id, new { OaQrUrl = (string?)null },
                new { Scene = scene, store.OaQrUrl }, time.GetUtcNow().UtcDateTime));
            await db.SaveChangesAsync(ct);
        }
        return TypedResults.Ok(new OaQrResponse(scene, store.OaQrTicket, store.OaQrUrl, wechat.ShowQrCodeUrl(store.OaQrTicket).ToString()));
    }

    /// <summary>The cache is an optimisation: with Redis down the code is fetched from WeChat every time.</summary>
    private static async Task<T?> TryRedisAsync<T>(Func<Task<T>> call, ILoggerFactory loggers)
    {
        try
        {
            return await call();
        }
        catch (RedisException ex)
        {
            loggers.CreateLogger("Stores.Qr").LogWarning(ex, "Redis unavailable for the QR cache; continuing without it");
            return default;
        }
    }
}

/// <summary>Official-account QR scenes: <c>store_&lt;code&gt;</c>, echoed back as <c>qrscene_store_&lt;code&gt;</c> on follow.</summary>
public static class OfficialAccountScenes
{
    private const string StorePrefix = "store_";

    public static string ForStore(string storeCode) => StorePrefix + storeCode;

    public static string? StoreCodeOf(string? scene) =>
        scene is not null && scene.StartsWith(StorePrefix, StringComparison.Ordinal) ? scene[StorePrefix.Length..] : null;
}
