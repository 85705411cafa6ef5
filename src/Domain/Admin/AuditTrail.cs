using System.Text.Json;
using System.Text.Json.Serialization;

namespace WechatLoyalty.Domain.Admin;

/// <summary>
/// One console or admin change: who (the console user name), what (an action such as <c>points.adjust</c>), on
/// which entity, and the state before and after as JSON. Written in the same SaveChanges (and so the same
/// transaction) as the change itself, so an audited change and its record commit or fail together. Never edited.
/// </summary>
public class AuditEntry
{
    public long Id { get; private set; }
    public string Actor { get; private set; } = "";
    public string Action { get; private set; } = "";
    public string EntityType { get; private set; } = "";
    public string? EntityId { get; private set; }
    public string? BeforeJson { get; private set; }
    public string? AfterJson { get; private set; }
    public DateTime At { get; private set; }

    public const int MaxActor = 64;
    public const int MaxAction = 64;
    public const int MaxEntityType = 64;
    public const int MaxEntityId = 64;

    /// <param name="before">Any value serialisable to JSON (or a JSON string already), or null when created.</param>
    /// <param name="after">Likewise; null when deleted.</param>
    public static AuditEntry Create(string actor, string action, string entityType, object? entityId, object? before, object? after, DateTime at)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(actor);
        ArgumentException.ThrowIfNullOrWhiteSpace(action);
        ArgumentException.ThrowIfNullOrWhiteSpace(entityType);
        return new AuditEntry
        {
            Actor = Truncate(actor, MaxActor),
            Action = Truncate(action, MaxAction),
            EntityType = Truncate(entityType, MaxEntityType),
            EntityId = entityId is null ? null : Truncate(Convert.ToString(entityId, System.Globalization.CultureInfo.InvariantCulture)!, MaxEntityId),
            BeforeJson = AuditTrail.ToJson(before),
            AfterJson = AuditTrail.ToJson(after),
            At = at,
        };
    }

    private static string Truncate(string value, int max) => value.Length <= max ? value : value[..max];
}

/// <summary>Action names used across features, so the audit page can filter by them.</summary>
public static class AuditActions
{
    public const string PointsAdjust = "points.adjust";
    public const string ProgrammeVersionCreate = "programme.version.create";
    public const string StoreCreate = "store.create";
    public const string StoreUpdate = "store.update";
    public const string StaffCreate = "staff.create";
    public const string StaffUpdate = "staff.update";
    public const string RefundRequest = "refund.request";
    public const string MemberImport = "members.import";
    public const string StoreOaQrCode = "store.oa_qrcode";
    public const string PosPurchase = "pos.purchase";
    public const string CampaignCreate = "campaign.create";
    public const string CampaignUpdate = "campaign.update";
    public const string CampaignSchedule = "campaign.schedule";
    public const string CampaignUnschedule = "campaign.unschedule";
    public const string CampaignPause = "campaign.pause";
    public const string CampaignResume = "campaign.resume";
    public const string CampaignCancel = "campaign.cancel";
    public const string SegmentCreate = "segment.create";
    public const string SegmentUpdate = "segment.update";
    public const string SegmentDelete = "segment.delete";
    public const string TemplateSave = "template.save";
    public const string TemplateDelete = "template.delete";
    public const string TemplateTestSend = "template.test_send";
    public const string PromotionCreate = "promotion.create";
    public const string PromotionCancel = "promotion.cancel";

    /// <summary>Every action above (read by reflection once), for the audit page's filter list.</summary>
    public static readonly IReadOnlyList<string> All = typeof(AuditActions)
        .GetFields(System.Reflection.BindingFlags.Public | System.Reflection.BindingFlags.Static)
        .Where(f => f.IsLiteral && f.FieldType == typeof(string)).Select(f => (string)f.GetRawConstantValue()!).Order(StringComparer.Ordinal).ToList();
}

public static class AuditTrail
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web)
    {
        Converters = { new JsonStringEnumConverter() },
        Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    };

    /// <summary>A value as audit JSON; a string is taken as JSON already written (or quoted if it is not).</summary>
    public static string? ToJson(object? value) => value switch
    {
        null => null,
        string s when LooksLikeJson(s) => s,
        _ => JsonSerializer.Serialize(value, value.GetType(), Json),
    };

    private static bool LooksLikeJson(string s)
    {
        try
        {
            using var _ = JsonDocument.Parse(s);
            return true;
        }
        catch (JsonException)
        {
            return false;
        }
    }
}
