using System.Globalization;

namespace WechatLoyalty.Api.AdminConsole;

/// <summary>
/// The console's labels: written in English in the pages, shown in Chinese (zh-CN, the default) from
/// <see cref="ConsoleTexts.Chinese"/>. The choice comes from the <c>wl_lang</c> cookie (the switch in the header),
/// else the browser's Accept-Language when it prefers English, else Chinese. A label without a translation shows
/// in English rather than failing.
/// </summary>
public sealed class ConsoleLocalizer(IHttpContextAccessor accessor)
{
    public const string CookieName = "wl_lang";
    public const string Chinese = "zh-CN";
    public const string English = "en";

    private string? _culture;

    public string Culture => _culture ??= Resolve(accessor.HttpContext);

    public bool IsEnglish => Culture == English;

    public string this[string text] => IsEnglish ? text : ConsoleTexts.Chinese.GetValueOrDefault(text, text);

    /// <summary>Picks the Chinese or English one of two texts coming from data (KPI titles, tier names).</summary>
    public string Pick(string? zh, string? en) => (IsEnglish ? en ?? zh : zh ?? en) ?? "";

    public string Format(string text, params object[] args) => string.Format(CultureInfo.InvariantCulture, this[text], args);

    public static string Normalise(string code) =>
        code.StartsWith("en", StringComparison.OrdinalIgnoreCase) ? English : Chinese;

    private static string Resolve(HttpContext? http)
    {
        if (http is null) return Chinese;
        if (http.Request.Cookies.TryGetValue(CookieName, out var chosen)) return Normalise(chosen);
        var accept = http.Request.Headers.AcceptLanguage.ToString();
        // Only the first preference decides: a browser set to English first gets English; everyone else Chinese.
        return accept.TrimStart().StartsWith("en", StringComparison.OrdinalIgnoreCase) ? English : Chinese;
    }
}
