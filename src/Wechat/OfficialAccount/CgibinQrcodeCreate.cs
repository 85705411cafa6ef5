namespace WechatLoyalty.Wechat.OfficialAccount;

/// <summary>
/// POST /cgi-bin/qrcode/create body (string scenes only). The scene must be nested in action_info, otherwise
/// followers arrive with EventKey qrscene_0. https://developers.weixin.qq.com/doc/service/api/qrcode/qrcodes/api_createqrcode.html
/// </summary>
public sealed class CgibinQrcodeCreateRequest
{
    public const int MaxExpireSeconds = 2_592_000;

    private CgibinQrcodeCreateRequest(string actionName, string scene, int? expireSeconds)
    {
        if (scene.Length is 0 or > 64)
        {
            throw new ArgumentException("scene_str must be 1..64 characters.", nameof(scene));
        }

        ActionName = actionName;
        ActionInfo = new QrActionInfo(new QrScene(scene));
        ExpireSeconds = expireSeconds;
    }

    public int? ExpireSeconds { get; }

    public string ActionName { get; }

    public QrActionInfo ActionInfo { get; }

    /// <summary>QR_STR_SCENE: expires after at most 30 days (WeChat defaults to 30 s if omitted, so we always send it).</summary>
    public static CgibinQrcodeCreateRequest Temporary(string scene, TimeSpan expiresIn)
    {
        var seconds = (int)expiresIn.TotalSeconds;
        if (seconds is < 1 or > MaxExpireSeconds)
        {
            throw new ArgumentOutOfRangeException(nameof(expiresIn), "expire_seconds must be 1..2592000.");
        }

        return new CgibinQrcodeCreateRequest("QR_STR_SCENE", scene, seconds);
    }

    /// <summary>QR_LIMIT_STR_SCENE: permanent, counts against the 100,000 permanent codes cap.</summary>
    public static CgibinQrcodeCreateRequest Permanent(string scene) => new("QR_LIMIT_STR_SCENE", scene, null);

    public sealed record QrActionInfo(QrScene Scene);

    public sealed record QrScene(string SceneStr);
}

public sealed class CgibinQrcodeCreateResponse : WechatApiResponse
{
    public string Ticket { get; set; } = string.Empty;

    public int? ExpireSeconds { get; set; }

    /// <summary>The QR content itself, to render the image ourselves.</summary>
    public string Url { get; set; } = string.Empty;
}
