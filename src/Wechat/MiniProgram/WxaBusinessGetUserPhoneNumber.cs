using System.Text.Json.Serialization;

namespace WechatLoyalty.Wechat.MiniProgram;

/// <summary>POST /wxa/business/getuserphonenumber body: the code from the button's bindgetphonenumber (single-use, 5 min).</summary>
public sealed record WxaBusinessGetUserPhoneNumberRequest(string Code);

/// <summary>https://developers.weixin.qq.com/miniprogram/dev/OpenApiDoc/user-info/phone-number/getPhoneNumber.html</summary>
public sealed class WxaBusinessGetUserPhoneNumberResponse : WechatApiResponse
{
    public PhoneInfo? PhoneInfo { get; set; }
}

/// <summary>camelCase on the wire, unlike most of the API.</summary>
public sealed class PhoneInfo
{
    /// <summary>With country code for non-mainland numbers.</summary>
    [JsonPropertyName("phoneNumber")]
    public string PhoneNumber { get; set; } = string.Empty;

    [JsonPropertyName("purePhoneNumber")]
    public string PurePhoneNumber { get; set; } = string.Empty;

    [JsonPropertyName("countryCode")]
    public string CountryCode { get; set; } = string.Empty;

    [JsonPropertyName("watermark")]
    public OpenDataWatermark? Watermark { get; set; }
}

public sealed class OpenDataWatermark
{
    [JsonPropertyName("appid")]
    public string Appid { get; set; } = string.Empty;

    [JsonPropertyName("timestamp")]
    public long Timestamp { get; set; }
}
