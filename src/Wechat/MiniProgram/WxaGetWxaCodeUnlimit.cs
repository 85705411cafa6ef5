using System.Buffers;

namespace WechatLoyalty.Wechat.MiniProgram;

/// <summary>
/// POST /wxa/getwxacodeunlimit body. https://developers.weixin.qq.com/miniprogram/dev/OpenApiDoc/qrcode-link/qr-code/getUnlimitedQRCode.html
/// </summary>
public sealed class WxaGetWxaCodeUnlimitRequest
{
    private static readonly SearchValues<char> SceneCharacters =
        SearchValues.Create("0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ!#$&'()*+,/:;=?@-._~");

    /// <summary>≤32 visible characters from [0-9A-Za-z] and !#$&amp;'()*+,/:;=?@-._~ (no %, so no Chinese).</summary>
    public string Scene { get; set; } = string.Empty;

    /// <summary>A published page without leading '/' and without query; default home page.</summary>
    public string? Page { get; set; }

    public bool? CheckPath { get; set; }

    /// <summary>release, trial or develop.</summary>
    public string? EnvVersion { get; set; }

    /// <summary>280..1280, default 430.</summary>
    public int? Width { get; set; }

    public bool? AutoColor { get; set; }

    public bool? IsHyaline { get; set; }

    /// <summary>Why the request would be refused, or null. Checked before calling so we fail fast and clearly.</summary>
    public string? Validate()
    {
        if (Scene.Length is 0 or > 32)
        {
            return "scene must be 1..32 characters";
        }

        if (Scene.AsSpan().IndexOfAnyExcept(SceneCharacters) >= 0)
        {
            return "scene contains a character WeChat does not accept";
        }

        if (Page is { } page && (page.StartsWith('/') || page.Contains('?', StringComparison.Ordinal)))
        {
            return "page must not start with '/' or carry a query string";
        }

        return Width is < 280 or > 1280 ? "width must be 280..1280" : null;
    }
}

/// <summary>The image WeChat returned (PNG or JPEG, per Content-Type).</summary>
public sealed record WxaCodeImage(byte[] Content, string ContentType);
