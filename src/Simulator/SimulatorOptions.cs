using System.ComponentModel.DataAnnotations;

namespace WechatLoyalty.Simulator;

/// <summary>Configuration section <c>Simulator</c>. Defaults match appsettings.json, the run script and the API's dev config.</summary>
public sealed class SimulatorOptions
{
    public const string SectionName = "Simulator";

    public MiniProgramOptions MiniProgram { get; set; } = new();
    public OfficialAccountOptions OfficialAccount { get; set; } = new();
    public PayOptions Pay { get; set; } = new();

    /// <summary>Where the merchant-console downloads are written (or reused). Null or empty: keys live in memory only.</summary>
    public string? KeysDirectory { get; set; } = ".data/wechat-sim-keys";

    /// <summary>Multiplies every WeChat delay (Pay retry schedule, refund completion, template job result). 1.0 = real schedule.</summary>
    [Range(0.0, 10.0)]
    public double NotificationTimeScale { get; set; } = 1.0;

    /// <summary>Timeout of one notification or OA push attempt, like WeChat's 5 s.</summary>
    [Range(0.05, 60.0)]
    public double DeliveryTimeoutSeconds { get; set; } = 5;

    /// <summary>Daily quotas by API name (45009 when reached): stable_token, token, subscribe_send, template_send,
    /// qrcode_create, user_info, getuserphonenumber. Per-minute: wxacode_unlimit_per_minute.</summary>
    public Dictionary<string, int> Quotas { get; set; } = new(StringComparer.Ordinal)
    {
        ["stable_token"] = 500_000,
        ["stable_token_force"] = 20,
        ["token"] = 2_000,
        ["subscribe_send"] = 30_000_000,
        ["template_send"] = 100_000,
        ["qrcode_create"] = 100_000,
        ["user_info"] = 5_000_000,
        ["getuserphonenumber"] = 1_000_000,
        ["wxacode_unlimit_per_minute"] = 5_000,
    };

    public FaultOptions Faults { get; set; } = new();
}

public sealed class MiniProgramOptions
{
    [Required, RegularExpression("^wx[0-9a-f]{16}$")]
    public string AppId { get; set; } = "wx5e1f0a9b2c3d4e01";

    [Required, MinLength(16)]
    public string AppSecret { get; set; } = "sim_mini_secret_0123456789abcdef";

    /// <summary>Registered subscribe-message template ids; empty = any id is accepted (40037 only when registered).</summary>
    public List<string> SubscribeTemplates { get; set; } = [];

    /// <summary>Published pages; empty = any well-formed page is accepted by getwxacodeunlimit.</summary>
    public List<string> Pages { get; set; } = [];
}

public sealed class OfficialAccountOptions
{
    [Required, RegularExpression("^wx[0-9a-f]{16}$")]
    public string AppId { get; set; } = "wx5e1f0a9b2c3d4e02";

    [Required, MinLength(16)]
    public string AppSecret { get; set; } = "sim_oa_secret_0123456789abcdef00";

    /// <summary>The OA's original id (gh_...), the ToUserName of pushes.</summary>
    [Required]
    public string OriginalId { get; set; } = "gh_5e1f0a9b2c3d";

    [Required, RegularExpression("^[A-Za-z0-9]{3,32}$")]
    public string Token { get; set; } = "simtoken";

    [Required, RegularExpression("^[A-Za-z0-9]{43}$")]
    public string EncodingAesKey { get; set; } = "abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG";

    /// <summary>Our OA callback URL; empty = pushes are recorded but not sent.</summary>
    public string? ServerUrl { get; set; } = "http://127.0.0.1:5080/wechat/oa";

    /// <summary>Safe mode (安全模式): encrypted pushes, encrypted passive replies required.</summary>
    public bool SafeMode { get; set; } = true;

    /// <summary>Registered template-message ids; empty = any id is accepted.</summary>
    public List<string> Templates { get; set; } = [];
}

public sealed class PayOptions
{
    [Required, RegularExpression("^[0-9]{10}$")]
    public string MchId { get; set; } = "1900000001";

    [Required, StringLength(32, MinimumLength = 32)]
    public string ApiV3Key { get; set; } = "sim0apiv3key0123456789abcdefABCD";

    [Required, RegularExpression("^PUB_KEY_ID_[0-9A-Za-z]+$")]
    public string PublicKeyId { get; set; } = "PUB_KEY_ID_0114000000SIMULATOR01";

    /// <summary>WeChat requires HTTPS notify URLs; local development uses http, so this is off by default.</summary>
    public bool RequireHttpsNotifyUrl { get; set; }

    /// <summary>Seconds (scaled by NotificationTimeScale) before an accepted refund turns SUCCESS.</summary>
    [Range(0.0, 86_400.0)]
    public double RefundCompletionSeconds { get; set; } = 5;
}

/// <summary>Initial fault knobs; they can be changed at run time through POST /sim/faults.</summary>
public sealed class FaultOptions
{
    [Range(0.0, 1.0)]
    public double ErrorRate { get; set; }

    [Range(0, 60_000)]
    public int LatencyMs { get; set; }

    public bool QuotaExhausted { get; set; }

    [Range(0.0, 1.0)]
    public double DuplicateRate { get; set; }

    /// <summary>When a duplicate is due, send it concurrently with the original instead of one second later.</summary>
    public bool ConcurrentDuplicates { get; set; }
}
