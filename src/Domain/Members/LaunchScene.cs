namespace WechatLoyalty.Domain.Members;

/// <summary>
/// What the mini-program was opened with: a wxacode scene such as <c>s=SH001&amp;u=U01</c> (at most 32 characters,
/// URL-decoded by the page) or the share path's query <c>ref=AB12CD34</c>. Unknown keys are ignored; nothing here
/// is trusted until looked up.
/// </summary>
public sealed record LaunchScene(string? StoreCode, string? StaffCode, string? ReferralCode)
{
    public static LaunchScene Empty { get; } = new(null, null, null);

    public static LaunchScene Parse(string? scene)
    {
        if (string.IsNullOrWhiteSpace(scene) || scene.Length > 256) return Empty;
        string? store = null, staff = null, referral = null;
        foreach (var part in scene.Split('&', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            var eq = part.IndexOf('=', StringComparison.Ordinal);
            if (eq <= 0) continue;
            var value = Clean(part[(eq + 1)..]);
            switch (part[..eq])
            {
                case "s": store = value; break;
                case "u": staff = value; break;
                case "r" or "ref": referral = value; break;
            }
        }
        return new LaunchScene(store, staff, referral);
    }

    /// <summary>Store QR scene for wxacode.getUnlimited: <c>s=&lt;store&gt;[&amp;u=&lt;staff&gt;]</c>.</summary>
    public static string ForStore(string storeCode, string? staffCode = null) =>
        staffCode is null ? $"s={storeCode}" : $"s={storeCode}&u={staffCode}";

    private static string? Clean(string value) =>
        value.Length is > 0 and <= 16 && value.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_') ? value : null;
}
