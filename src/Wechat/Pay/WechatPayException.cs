using System.Net;
using System.Text.Json;

namespace WechatLoyalty.Wechat.Pay;

/// <summary>
/// WeChat Pay answered 4xx/5xx. Branch on <see cref="Code"/> (PARAM_ERROR, SIGN_ERROR, ORDER_NOT_EXIST...), not on
/// the HTTP status. https://pay.weixin.qq.com/doc/v3/merchant/4012081709
/// </summary>
public sealed class WechatPayException : Exception
{
    public WechatPayException(HttpStatusCode statusCode, string code, string errorMessage, JsonElement? detail, string? requestId)
        : base($"WeChat Pay answered {(int)statusCode} {code}: {errorMessage}")
    {
        StatusCode = statusCode;
        Code = code;
        ErrorMessage = errorMessage;
        Detail = detail;
        RequestId = requestId;
    }

    public WechatPayException()
    {
        Code = string.Empty;
        ErrorMessage = string.Empty;
    }

    public WechatPayException(string message)
        : base(message)
    {
        Code = string.Empty;
        ErrorMessage = message;
    }

    public WechatPayException(string message, Exception innerException)
        : base(message, innerException)
    {
        Code = string.Empty;
        ErrorMessage = message;
    }

    public HttpStatusCode StatusCode { get; }

    public string Code { get; }

    public string ErrorMessage { get; }

    /// <summary>The <c>detail</c> object (field/value/issue/location, or sign_information for SIGN_ERROR).</summary>
    public JsonElement? Detail { get; }

    /// <summary>The Request-ID response header; its last dash-separated part is a numeric error code.</summary>
    public string? RequestId { get; }
}
