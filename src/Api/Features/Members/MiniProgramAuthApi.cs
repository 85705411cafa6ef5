using System.ComponentModel.DataAnnotations;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using WechatLoyalty.Api.Infrastructure.Auth;
using WechatLoyalty.Domain.Data;
using WechatLoyalty.Domain.Members;
using WechatLoyalty.Wechat;
using WechatLoyalty.Wechat.MiniProgram;

namespace WechatLoyalty.Api.Features.Members;

/// <summary>Mini-program login: a wx.login code becomes a member token; the session_key stays on the server.</summary>
internal static class MiniProgramAuthApi
{
    public static void MapMiniProgramAuthApi(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/api/mp").WithTags("Mini-program login").AllowAnonymous();
        group.MapPost("/login", Login).WithSummary("Exchange a wx.login code for a member token (and whether the user is registered).");
        group.MapPost("/token/refresh", Refresh).WithSummary("Rotate a refresh token into a new token pair.");
    }

    public sealed record LoginRequest([Required, MaxLength(128)] string Code);

    public sealed record RefreshRequest([Required, MaxLength(128)] string RefreshToken);

    public sealed record LoginResponse(
        string AccessToken, DateTimeOffset AccessTokenExpiresAt, string RefreshToken, DateTimeOffset RefreshTokenExpiresAt,
        bool Registered, string? MemberNo);

    internal static async Task<Results<Ok<LoginResponse>, ProblemHttpResult>> Login(
        LoginRequest request, MiniProgramClient wechat, IOptions<MiniProgramOptions> mp, IdentityService identities,
        MemberTokens tokens, LoyaltyDbContext db, ILoggerFactory loggers, CancellationToken ct)
    {
        SnsJsCode2SessionResponse session;
        try
        {
            session = await wechat.Code2SessionAsync(request.Code, ct);
        }
        catch (WechatApiException ex) when (ex.ErrCode is WechatErrorCodes.InvalidCode or WechatErrorCodes.CodeAlreadyUsed)
        {
            // The mini-program acts on this: call wx.login again and retry with the fresh code.
            loggers.CreateLogger("MiniProgram.Login").LogInformation("Login code refused by WeChat: errcode {ErrCode}", ex.ErrCode);
            return TypedResults.Problem(statusCode: 401, title: "The login code is invalid or was already used; call wx.login again.",
                extensions: new Dictionary<string, object?> { ["code"] = "wechat.code_invalid", ["errcode"] = ex.ErrCode });
        }

        var identity = await identities.RecordLoginAsync(mp.Value.AppId, session.Openid, session.Unionid, session.SessionKey, ct);
        var pair = await tokens.IssueAsync(identity.Id, ct);
        var memberNo = identity.MemberId is { } memberId
            ? await db.Members.Where(m => m.Id == memberId).Select(m => m.MemberNo).SingleOrDefaultAsync(ct)
            : null;
        return TypedResults.Ok(new LoginResponse(pair.AccessToken, pair.AccessTokenExpiresAt, pair.RefreshToken, pair.RefreshTokenExpiresAt,
            identity.MemberId is not null, memberNo));
    }

    internal static async Task<Ok<MemberTokenPair>> Refresh(RefreshRequest request, MemberTokens tokens, CancellationToken ct) =>
        TypedResults.Ok(await tokens.RefreshAsync(request.RefreshToken, ct));
}
