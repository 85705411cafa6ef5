using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using QRCoder;
using WechatLoyalty.Simulator.Hosting;
using WechatLoyalty.Simulator.State;

namespace WechatLoyalty.Simulator.Weixin;

/// <summary>Mini-program server APIs: code2Session, getPhoneNumber, wxacode.getUnlimited.</summary>
internal static partial class MiniProgramEndpoints
{
    public static readonly TimeSpan CodeLifetime = TimeSpan.FromMinutes(5);

    public static void Map(RouteGroupBuilder wx)
    {
        wx.MapGet("/sns/jscode2session", Code2Session);
        wx.MapPost("/wxa/business/getuserphonenumber", GetPhoneNumber);
        wx.MapPost("/wxa/getwxacodeunlimit", GetUnlimited);
    }

    // https://developers.weixin.qq.com/miniprogram/dev/OpenApiDoc/user-login/code2Session.html
    private static IResult Code2Session(HttpContext http, SimulatorState state, SimulatorOptions options, SimulatorClock clock)
    {
        var q = http.Request.Query;
        if (q["appid"] != options.MiniProgram.AppId)
        {
            return q["appid"] == options.OfficialAccount.AppId ? Wx.Error(40029, "invalid code") : Wx.Error(40013, "invalid appid");
        }

        if (q["secret"] != options.MiniProgram.AppSecret)
        {
            return Wx.Error(40125, "invalid appsecret");
        }

        if (q["grant_type"] != "authorization_code")
        {
            return Wx.Error(40002, "invalid grant_type");
        }

        var code = q["js_code"].ToString();
        if (string.IsNullOrEmpty(code))
        {
            return Wx.Error(41008, "missing code");
        }

        var now = clock.GetUtcNow();
        lock (state.Gate)
        {
            if (!state.Codes.TryGetValue(code, out var issued) || issued.Kind != "login" || now - issued.IssuedAt > CodeLifetime)
            {
                return Wx.Error(40029, "invalid code");
            }

            if (issued.UsedAt is not null)
            {
                return Wx.Error(40163, "code been used");
            }

            issued.UsedAt = now;
            var user = issued.User;
            return Wx.Ok(new { session_key = user.SessionKey, openid = user.MiniOpenId, unionid = user.UnionId });
        }
    }

    // https://developers.weixin.qq.com/miniprogram/dev/OpenApiDoc/user-info/phone-number/getPhoneNumber.html
    private static async Task<IResult> GetPhoneNumber(HttpContext http, SimulatorState state, SimulatorOptions options,
        SimulatorClock clock, QuotaTracker quotas)
    {
        if (Wx.CheckToken(http, options.MiniProgram.AppId) is { } tokenError)
        {
            return tokenError;
        }

        var body = await Wx.ReadObjectAsync(http.Request);
        if (body is null)
        {
            return Wx.FormatError();
        }

        if (!quotas.TryConsumeDaily("getuserphonenumber"))
        {
            return Wx.QuotaReached();
        }

        var code = Wx.Str(body, "code") ?? "";
        var now = clock.GetUtcNow();
        lock (state.Gate)
        {
            if (!state.Codes.TryGetValue(code, out var issued) || issued.Kind != "phone" || issued.UsedAt is not null
                || now - issued.IssuedAt > CodeLifetime)
            {
                return Wx.Error(40029, "invalid code");
            }

            issued.UsedAt = now;
            var user = issued.User;
            return Wx.Ok(new
            {
                errcode = 0,
                errmsg = "ok",
                phone_info = new
                {
                    phoneNumber = user.Phone,
                    purePhoneNumber = user.Phone,
                    countryCode = user.CountryCode,
                    watermark = new { timestamp = now.ToUnixTimeSeconds(), appid = options.MiniProgram.AppId },
                },
            });
        }
    }

    // https://developers.weixin.qq.com/miniprogram/dev/OpenApiDoc/qrcode-link/qr-code/getUnlimitedQRCode.html
    private static async Task<IResult> GetUnlimited(HttpContext http, SimulatorState state, SimulatorOptions options, QuotaTracker quotas)
    {
        if (Wx.CheckToken(http, options.MiniProgram.AppId) is { } tokenError)
        {
            return tokenError;
        }

        var body = await Wx.ReadObjectAsync(http.Request);
        if (body is null)
        {
            return Wx.FormatError();
        }

        var scene = Wx.Str(body, "scene");
        if (string.IsNullOrEmpty(scene) || scene.Length > 32 || !SceneChars().IsMatch(scene))
        {
            return Wx.Error(40097, "invalid args: scene must be 1-32 visible characters of [0-9A-Za-z!#$&'()*+,/:;=?@-._~]");
        }

        var page = Wx.Str(body, "page") ?? "";
        var checkPath = body["check_path"] is not JsonValue cp || !cp.TryGetValue<bool>(out var check) || check;
        if (page.StartsWith('/') || page.Contains('?', StringComparison.Ordinal)
            || (checkPath && page.Length > 0 && options.MiniProgram.Pages.Count > 0 && !options.MiniProgram.Pages.Contains(page)))
        {
            return Wx.Error(41030, "invalid page rid");
        }

        var env = Wx.Str(body, "env_version") ?? "release";
        if (env is not ("release" or "trial" or "develop"))
        {
            return Wx.Error(40097, "invalid args: env_version");
        }

        var width = body["width"] is JsonValue w && w.TryGetValue<int>(out var requested) ? Math.Clamp(requested, 280, 1280) : 430;
        if (!quotas.TryConsumePerMinute("wxacode_unlimit_per_minute"))
        {
            return Wx.QuotaReached();
        }

        lock (state.Gate)
        {
            state.WxaCodesGenerated++;
        }

        return Results.File(RenderPng($"scene={scene}&page={page}", width), "image/png");
    }

    public static byte[] RenderPng(string content, int width)
    {
        using var generator = new QRCodeGenerator();
        using var data = generator.CreateQrCode(content, QRCodeGenerator.ECCLevel.M);
        using var png = new PngByteQRCode(data);
        return png.GetGraphic(Math.Max(1, width / data.ModuleMatrix.Count));
    }

    [GeneratedRegex(@"^[0-9A-Za-z!#$&'()*+,/:;=?@\-._~]+$")]
    private static partial Regex SceneChars();
}
