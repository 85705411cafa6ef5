using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Nodes;
using WechatLoyalty.Simulator.Hosting;
using WechatLoyalty.Simulator.State;

namespace WechatLoyalty.Simulator.Weixin;

/// <summary>Shared conventions of api.weixin.qq.com: HTTP 200 always, errcode/errmsg with a rid, JSON bodies only.</summary>
internal static class Wx
{
    public static readonly JsonSerializerOptions Json = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    public static IResult Error(int errcode, string errmsg) =>
        Results.Json(new { errcode, errmsg = $"{errmsg} rid: {SimulatorState.Rid()}" }, Json);

    public static IResult Ok(object body) => Results.Json(body, Json);

    public static IResult SystemBusy() => Error(-1, "system error");

    public static IResult QuotaReached() => Error(45009, "reach max api daily quota limit");

    /// <summary>Reads the JSON object body; null when it is not a JSON object (WeChat answers 47001).</summary>
    public static async Task<JsonObject?> ReadObjectAsync(HttpRequest request)
    {
        try
        {
            return await JsonNode.ParseAsync(request.Body) as JsonObject;
        }
        catch (JsonException)
        {
            return null;
        }
    }

    public static IResult FormatError() => Error(47001, "data format error");

    public static string? Str(JsonObject body, string name) =>
        body[name] is JsonValue v && v.TryGetValue<string>(out var s) ? s : null;

    /// <summary>Checks ?access_token= on every call: 41001 missing, 40001 unknown or invalidated, 42001 expired,
    /// 48001 when the token belongs to the other app.</summary>
    public static IResult? CheckToken(HttpContext http, string expectedAppId)
    {
        var token = http.Request.Query["access_token"].ToString();
        if (string.IsNullOrEmpty(token))
        {
            return Error(41001, "access_token missing");
        }

        var state = http.RequestServices.GetRequiredService<SimulatorState>();
        var now = http.RequestServices.GetRequiredService<SimulatorClock>().GetUtcNow();
        lock (state.Gate)
        {
            if (!state.TokensByValue.TryGetValue(token, out var record) || record.Invalidated)
            {
                return Error(40001, "invalid credential, access_token is invalid or not latest, could get access_token by getStableAccessToken, more details at https://mmbizurl.cn/s/JtxxFh33r");
            }

            if (record.ExpiresAt <= now)
            {
                return Error(42001, "access_token expired");
            }

            return record.AppId == expectedAppId ? null : Error(48001, "api unauthorized");
        }
    }
}

/// <summary>Added latency and random -1 "system busy" on the api.weixin.qq.com endpoints.</summary>
internal sealed class WxFaultFilter(Faults faults) : IEndpointFilter
{
    public async ValueTask<object?> InvokeAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        var current = faults.Current;
        if (current.LatencyMs > 0)
        {
            await Task.Delay(current.LatencyMs, context.HttpContext.RequestAborted);
        }

        return faults.ShouldFail() ? Wx.SystemBusy() : await next(context);
    }
}
