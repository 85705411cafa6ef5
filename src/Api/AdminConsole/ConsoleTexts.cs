namespace WechatLoyalty.Api.AdminConsole;

/// <summary>The console's Chinese labels, keyed by the English text the pages are written in.</summary>
public static class ConsoleTexts
{
    public static readonly IReadOnlyDictionary<string, string> Chinese = new Dictionary<string, string>
    {
        // Frame and menu
        ["Loyalty console"] = "会员运营后台", ["Menu"] = "菜单", ["Sign in"] = "登录", ["Sign out"] = "退出登录",
        ["User name"] = "用户名", ["Password"] = "密码", ["Dashboard"] = "数据看板", ["Members"] = "会员",
        ["Clerk desk"] = "店员收银台", ["Stores & staff"] = "门店与店员", ["Programme settings"] = "会员规则设置",
        ["Member import"] = "会员导入", ["Audit trail"] = "操作审计", ["Jobs (Hangfire)"] = "后台任务 (Hangfire)",
        ["Admin"] = "管理员", ["Marketing"] = "市场", ["StoreManager"] = "店长", ["Clerk"] = "店员",
        ["Not allowed"] = "无权访问", ["Your account may not open this page or this record."] = "您的账号无权打开此页面或此记录。",
        ["Back to the console"] = "返回后台首页",
        ["Enter your user name and password."] = "请输入用户名和密码。",
        ["The user name or password is wrong."] = "用户名或密码错误。",
        ["Too many failed sign-ins; try again after {0:HH:mm} UTC."] = "登录失败次数过多，请在 UTC {0:HH:mm} 之后再试。",

        // Dashboard
        ["From"] = "从", ["To"] = "至", ["Store"] = "门店", ["All stores"] = "全部门店", ["Grain"] = "粒度",
        ["day"] = "按日", ["week"] = "按周", ["month"] = "按月", ["Apply"] = "应用", ["CSV"] = "导出 CSV",
        ["Hover a title or a figure to see how it is defined."] = "将鼠标悬停在标题或数字上可查看口径定义。",
        ["Loading…"] = "加载中…", ["No data: the KPI service is not available."] = "暂无数据：指标服务不可用。",
        ["No data for this period."] = "该时段暂无数据。", ["This panel could not be loaded."] = "该图表加载失败。",

        // Members
        ["Phone (full or masked, or last 4 digits), nickname or member number"] = "手机号（完整、脱敏或后 4 位）、昵称或会员号",
        ["Search"] = "搜索", ["No member matches."] = "没有匹配的会员。", ["Showing the first {0}; narrow the search."] = "仅显示前 {0} 条，请缩小搜索范围。",
        ["Member"] = "会员", ["Member no."] = "会员号", ["Nickname"] = "昵称", ["Phone"] = "手机号", ["Tier"] = "等级", ["Points"] = "积分",
        ["Joined"] = "入会时间", ["Profile"] = "会员资料", ["Birthday"] = "生日", ["Pending points"] = "待生效积分", ["Source"] = "来源",
        ["Organic"] = "自然入会", ["StoreQr"] = "门店二维码", ["OfficialAccountQr"] = "公众号二维码", ["Referral"] = "好友推荐", ["Imported"] = "已导入",
        ["Adjust points"] = "调整积分", ["Points (negative to take away)"] = "积分（负数为扣减）", ["Reason"] = "原因",
        ["Allow the balance to go below zero"] = "允许余额为负", ["Save adjustment"] = "确认调整", ["Adjust"] = "人工调整",
        ["Give a non-zero number of points (up to ±1,000,000) and a reason."] = "请填写非零积分（不超过 ±1,000,000）和原因。",
        ["Adjusted by {0}; the balance is now {1}."] = "已调整 {0} 积分，当前余额 {1}。",
        ["Tier history"] = "等级变更记录", ["When"] = "时间", ["Joined "] = "入会",
        ["Payment"] = "消费", ["NightlyRecalculation"] = "夜间重算", ["Manual"] = "人工",
        ["Points ledger"] = "积分流水", ["latest {0}"] = "最近 {0} 条", ["Kind"] = "类型", ["Change"] = "变动", ["Pending"] = "待生效", ["Balance"] = "余额", ["By"] = "操作人",
        ["Earn"] = "获得", ["Redeem"] = "抵扣", ["RedeemRelease"] = "抵扣退回", ["Refund"] = "退款扣回", ["Expire"] = "过期", ["PendingRelease"] = "待生效转可用",
        ["Orders and payments"] = "订单与支付", ["Paid"] = "支付时间", ["Order no."] = "订单号", ["Channel"] = "渠道",
        ["Amount (CNY)"] = "金额（元）", ["Refunded (CNY)"] = "已退款（元）", ["MiniProgram"] = "小程序", ["InStore"] = "门店",
        ["Referrals"] = "推荐记录", ["Referrals appear here once the referral feature is installed."] = "推荐功能上线后在此显示。",
        ["Messages"] = "消息记录", ["Messages sent to the member appear here once the messaging feature is installed."] = "消息功能上线后在此显示发送给该会员的消息。",

        // Clerk
        ["1. Scan the member code"] = "1. 扫描会员码", ["Dynamic member code (from the member card)"] = "动态会员码（会员卡上）",
        ["Look up"] = "查询", ["2. Record the WeChat Pay purchase"] = "2. 登记微信支付消费",
        ["WeChat Pay transaction id (on the payment receipt)"] = "微信支付交易单号（见支付凭证）", ["Record purchase"] = "登记消费",
        ["The amount comes from WeChat Pay, never from this form; a transaction is recorded once."] = "金额以微信支付查询结果为准，不取自本表单；同一笔交易只登记一次。",
        ["Enter the WeChat Pay transaction id."] = "请输入微信支付交易单号。",
        ["The member code is invalid or expired; ask the member to refresh the card and scan again."] = "会员码无效或已过期，请会员刷新会员卡后重新扫描。",
        ["This member no longer exists."] = "该会员已不存在。", ["Recorded {0} CNY for member {1}: {2} points."] = "已为会员 {1} 登记 {0} 元消费，获得 {2} 积分。",

        // Stores
        ["inactive"] = "已停用", ["Download the store's join QR (PNG)"] = "下载门店入会二维码（PNG）", ["Staff code"] = "店员编号",
        ["Name"] = "名称", ["Active"] = "启用", ["Join QR"] = "入会二维码", ["Activate"] = "启用", ["Deactivate"] = "停用",
        ["Add staff"] = "添加店员", ["City"] = "城市", ["Save store"] = "保存门店", ["New store"] = "新建门店", ["Store code"] = "门店编号",
        ["Create store"] = "创建门店", ["Only admins create stores."] = "只有管理员可以创建门店。", ["Only admins edit stores."] = "只有管理员可以修改门店。",
        ["Store {0} created."] = "门店 {0} 已创建。", ["Store saved."] = "门店已保存。", ["Staff member {0} added."] = "店员 {0} 已添加。",
        ["Staff member saved."] = "店员已保存。", ["No such staff member in this store."] = "该门店没有这位店员。",
        ["Fill in every field (names up to 100 characters, cities up to 50)."] = "请填写所有字段（名称最多 100 字，城市最多 50 字）。",

        // Programme
        ["Rules in effect"] = "当前生效规则", ["preset"] = "预设", ["Preset"] = "预设", ["Level"] = "级别", ["Threshold (CNY spent)"] = "门槛（累计消费，元）",
        ["Points multiplier"] = "积分倍率", ["Upgrade reward"] = "升级奖励积分", ["Birthday gift"] = "生日礼",
        ["Points expire after (months)"] = "积分有效期（月）", ["Pending days (return window)"] = "积分待生效天数（退货期）",
        ["Welcome points"] = "入会积分", ["Birthday gift points"] = "生日礼积分", ["Tier guaranteed for (months)"] = "等级保级期（月）",
        ["Redemption: points per CNY"] = "抵扣：每元所需积分", ["Redemption step (points)"] = "抵扣步长（积分）",
        ["Redemption cap (% of order)"] = "抵扣上限（订单金额 %）", ["Expiry reminders (days before)"] = "过期提醒（提前天数）",
        ["No version saved yet: the configured preset applies."] = "尚未保存任何版本：使用配置的预设规则。",
        ["New version of the rules"] = "新建规则版本", ["Start from"] = "基于", ["The rules below (edited)"] = "下方（已编辑的）规则",
        ["Rules (JSON: tiers, earning, expiry, redemption)"] = "规则（JSON：等级、积分获取、有效期、抵扣）",
        ["Effective from"] = "生效日期", ["Save version"] = "保存版本", ["History"] = "历史版本", ["In effect"] = "生效中", ["Saved"] = "保存时间",
        ["Give the rules as JSON, or pick a preset."] = "请以 JSON 填写规则，或选择一个预设。", ["The rules are not valid JSON: {0}"] = "规则不是有效的 JSON：{0}",
        ["Give the date the rules take effect."] = "请填写规则生效日期。", ["Saved: the new rules take effect on {0:yyyy-MM-dd}."] = "已保存：新规则于 {0:yyyy-MM-dd} 生效。",

        // Imports
        ["Upload a CSV file"] = "上传 CSV 文件",
        ["Columns: phone, name, birthday (YYYY-MM-DD), tier (code or name), points (opening balance), join_date (YYYY-MM-DD). UTF-8, first line the header. Every row is checked; if any row is wrong nothing is imported and you get an error report. Uploading the same file again changes nothing; people who are already members are skipped."] =
            "列：phone（手机号）、name（姓名）、birthday（生日，YYYY-MM-DD）、tier（等级编码或名称）、points（期初积分）、join_date（入会日期，YYYY-MM-DD）。UTF-8 编码，首行为表头。逐行校验；只要有一行有误，整个文件都不导入，并提供错误报告下载。重复上传同一文件不会重复导入；已是会员的手机号会被跳过。",
        ["File"] = "文件", ["Upload and import"] = "上传并导入", ["Download a template"] = "下载模板", ["Recent imports"] = "最近导入",
        ["Status"] = "状态", ["Rows"] = "行数", ["Skipped"] = "跳过", ["Rows with errors"] = "错误行数", ["Uploaded"] = "上传时间",
        ["Choose a CSV file."] = "请选择一个 CSV 文件。", ["Processed"] = "已处理", ["Skipped (already members)"] = "跳过（已是会员）",
        ["Download the error report (CSV)"] = "下载错误报告（CSV）", ["Nothing was imported: correct the rows and upload the file again."] = "未导入任何数据：请修正错误行后重新上传。",
        ["This file was uploaded before; here is that import. Nothing was imported again."] = "该文件之前已上传过，这是当时的导入结果；本次未重复导入。",
        ["All imports"] = "全部导入记录", ["Queued"] = "排队中", ["Validating"] = "校验中", ["Importing"] = "导入中", ["Completed"] = "已完成",
        ["Rejected"] = "已拒绝", ["Failed"] = "失败",

        // Audit
        ["Action"] = "操作", ["Record"] = "对象", ["Filter"] = "筛选", ["Before"] = "修改前", ["After"] = "修改后", ["Older"] = "更早",
    };
}
