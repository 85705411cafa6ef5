using Microsoft.EntityFrameworkCore;
using WechatLoyalty.Domain.Data;
using WechatLoyalty.Domain.Messaging;

namespace WechatLoyalty.Api.Demo;

/// <summary>
/// The demo's template registry: every message kind on both channels, with field mappings that pass WeChat's value
/// rules (the simulator checks them), so the running demo's messages show on the simulator's page.
/// </summary>
internal static class DemoMessageTemplates
{
    private static readonly (string Kind, string Oa, Dictionary<string, string> OaFields, string Mp, Dictionary<string, string> MpFields, string Page)[] Entries =
    [
        (MessageKinds.Birthday, "OA_demo_birthday_01", new() { ["thing1"] = "{nickname}，生日快乐", ["time2"] = "{date}", ["thing3"] = "{tier}会员生日祝福" },
            "MP_demo_birthday_01", new() { ["thing1"] = "{nickname}，生日快乐", ["date2"] = "{date}" }, "pages/member/index?from=birthday"),
        (MessageKinds.BirthdayGift, "OA_demo_bday_gift_01", new() { ["thing1"] = "生日礼：{gift}", ["character_string2"] = "{points}", ["time3"] = "{date}" },
            "MP_demo_bday_gift_01", new() { ["thing1"] = "生日礼：{gift}", ["number2"] = "{points}", ["date3"] = "{date}" }, "pages/points/index?from=birthday"),
        (MessageKinds.PointsExpiring, "OA_demo_expiring_01", new() { ["character_string1"] = "{points}", ["time2"] = "{date}", ["thing3"] = "{days}天后到期，请及时使用" },
            "MP_demo_expiring_01", new() { ["number1"] = "{points}", ["date2"] = "{date}", ["thing3"] = "{days}天后到期，请及时使用" }, "pages/points/index?from=expiring"),
        (MessageKinds.TierChanged, "OA_demo_tier_01", new() { ["thing1"] = "{from}→{to}", ["thing2"] = "会员等级{direction}", ["time3"] = "{date}" },
            "MP_demo_tier_01", new() { ["thing1"] = "{from}→{to}", ["phrase2"] = "{direction}", ["date3"] = "{date}" }, "pages/member/index?from=tier"),
        (MessageKinds.PointsEarned, "OA_demo_earned_01", new() { ["character_string1"] = "{points}", ["character_string2"] = "{balance}", ["time3"] = "{date}" },
            "MP_demo_earned_01", new() { ["number1"] = "{points}", ["number2"] = "{balance}", ["date3"] = "{date}" }, "pages/points/index?from=earned"),
        (MessageKinds.Campaign, "OA_demo_campaign_01", new() { ["thing1"] = "{nickname}，会员活动通知", ["thing2"] = "{title}" },
            "MP_demo_campaign_01", new() { ["thing1"] = "{nickname}，会员活动通知", ["thing2"] = "{title}" }, "pages/index/index?from=campaign"),
    ];

    /// <summary>Registers the kinds that have no entry yet; an entry someone edited is left alone.</summary>
    public static async Task SeedAsync(LoyaltyDbContext db, MessageTemplates templates, CancellationToken ct)
    {
        var existing = await db.MessageTemplates.Select(t => t.Kind).ToListAsync(ct);
        foreach (var (kind, oa, oaFields, mp, mpFields, page) in Entries.Where(e => !existing.Contains(e.Kind)))
            await templates.SaveAsync(kind, new TemplateDefinition(oa, oaFields, mp, mpFields, page), "demo-seed", ct);
    }
}
