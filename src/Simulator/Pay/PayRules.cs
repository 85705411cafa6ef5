using System.Globalization;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

namespace WechatLoyalty.Simulator.Pay;

/// <summary>Field rules shared by the v3 handlers; each returns the PARAM_ERROR result or null.</summary>
internal static partial class PayRules
{
    public static (JsonObject? Body, IResult? Error) ParseBody(HttpContext http)
    {
        var raw = http.Items[PayAuthFilter.RawBodyKey] as string ?? "";
        JsonObject? body;
        try
        {
            body = JsonNode.Parse(raw) as JsonObject;
        }
        catch (System.Text.Json.JsonException)
        {
            body = null;
        }

        if (body is null)
        {
            return (null, PayResults.ParamError("请求体不是合法的JSON对象", "/"));
        }

        return PayViews.FindNull(body, "") is { } nullPath
            ? (null, PayResults.ParamError("字段值不能为 null，请省略该字段", nullPath))
            : (body, null);
    }

    public static string? Str(JsonNode? parent, string name) =>
        parent is JsonObject o && o[name] is JsonValue v && v.TryGetValue<string>(out var s) ? s : null;

    public static int? Int(JsonNode? parent, string name) =>
        parent is JsonObject o && o[name] is JsonValue v && v.TryGetValue<int>(out var i) ? i : null;

    public static IResult Required(string path) =>
        PayResults.ParamError($"输入源“/body{path}”映射到字段必填性规则校验失败，此字段为必填项", path);

    public static IResult? NotifyUrl(string? url, bool requireHttps, string path)
    {
        if (url is null || url.Length > 255 || !Uri.TryCreate(url, UriKind.Absolute, out var uri)
            || (uri.Scheme != Uri.UriSchemeHttps && (requireHttps || uri.Scheme != Uri.UriSchemeHttp)))
        {
            return PayResults.ParamError("notify_url 格式不正确：需为可访问的 https 地址，长度不超过255", path, url);
        }

        return uri.Query.Length > 0 || uri.Fragment.Length > 0
            ? PayResults.ParamError("notify_url 不能携带查询参数", path, url)
            : null;
    }

    /// <summary>WeChat Pay accepts only UTF-8 characters of 1–3 bytes: no emoji or other supplementary characters.</summary>
    public static bool HasFourByteCharacters(string value) => value.Any(char.IsSurrogate);

    public static bool TryParseRfc3339(string value, out DateTimeOffset time)
    {
        time = default;
        return Rfc3339().IsMatch(value) && DateTimeOffset.TryParse(value, CultureInfo.InvariantCulture, DateTimeStyles.None, out time);
    }

    [GeneratedRegex(@"^[0-9A-Za-z_\-|*]{6,32}$")]
    public static partial Regex OutTradeNo();

    [GeneratedRegex(@"^[0-9A-Za-z_\-|*@]{1,64}$")]
    public static partial Regex OutRefundNo();

    [GeneratedRegex(@"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?([+-]\d{2}:\d{2}|Z)$")]
    private static partial Regex Rfc3339();
}
