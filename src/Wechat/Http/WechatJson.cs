using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace WechatLoyalty.Wechat.Http;

/// <summary>One JSON configuration for every WeChat wire message.</summary>
internal static class WechatJson
{
    /// <summary>
    /// snake_case names (the common WeChat spelling; exceptions carry [JsonPropertyName]), no nulls on the wire
    /// (WeChat Pay rejects explicit nulls) and real UTF-8 instead of \u escapes so what we sign reads like what we send.
    /// </summary>
    public static readonly JsonSerializerOptions Options = new(JsonSerializerDefaults.Web)
    {
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
        NumberHandling = JsonNumberHandling.AllowReadingFromString,
    };

    public static byte[] SerializeToUtf8(object value) => JsonSerializer.SerializeToUtf8Bytes(value, value.GetType(), Options);

    public static T Deserialize<T>(ReadOnlySpan<byte> utf8) =>
        JsonSerializer.Deserialize<T>(utf8, Options) ?? throw new JsonException($"Empty JSON for {typeof(T).Name}.");
}
