using System.Text.Json;

namespace WechatLoyalty.Wechat;

/// <summary>
/// The envelope every api.weixin.qq.com JSON answer shares: success is HTTP 200 and errcode absent or 0.
/// </summary>
public class WechatApiResponse
{
    public int? Errcode { get; set; }

    public string? Errmsg { get; set; }

    public bool IsSuccess => Errcode is null or 0;

    /// <summary>Reads only <c>errcode</c>, for callers (the retry policy) that do not know the response type.</summary>
    internal static bool TryReadErrorCode(ReadOnlySpan<byte> json, out int errCode)
    {
        errCode = 0;
        try
        {
            var reader = new Utf8JsonReader(json);
            if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject)
            {
                return false;
            }

            while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
            {
                var isErrCode = reader.ValueTextEquals("errcode"u8);
                reader.Read();
                if (isErrCode && reader.TokenType == JsonTokenType.Number)
                {
                    return reader.TryGetInt32(out errCode);
                }

                reader.Skip();
            }
        }
        catch (JsonException)
        {
            return false;
        }

        return false;
    }
}
