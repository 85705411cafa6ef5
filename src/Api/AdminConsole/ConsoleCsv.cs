using System.Globalization;
using System.Text;
using Microsoft.AspNetCore.Mvc;

namespace WechatLoyalty.Api.AdminConsole;

/// <summary>
/// CSV downloads of the console's tables: UTF-8 with a BOM (so Excel on a Chinese Windows opens it as UTF-8, not GBK),
/// RFC 4180 quoting, and text that a spreadsheet would run as a formula (=, +, -, @ not followed by a number) neutralised.
/// </summary>
public static class ConsoleCsv
{
    public static FileContentResult File(string fileName, IEnumerable<string> header, IEnumerable<IEnumerable<object?>> rows)
    {
        var text = new StringBuilder();
        text.Append(string.Join(',', header.Select(Cell))).Append("\r\n");
        foreach (var row in rows) text.Append(string.Join(',', row.Select(Cell))).Append("\r\n");
        var bytes = Encoding.UTF8.GetPreamble().Concat(Encoding.UTF8.GetBytes(text.ToString())).ToArray();
        return new FileContentResult(bytes, "text/csv; charset=utf-8") { FileDownloadName = fileName };
    }

    public static string Cell(object? value)
    {
        var s = value switch
        {
            null => "",
            DateTime d => d.ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture),
            DateOnly d => d.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
            IFormattable f => f.ToString(null, CultureInfo.InvariantCulture),
            _ => value.ToString() ?? "",
        };
        if (s.Length > 0 && s[0] is '=' or '+' or '-' or '@' or '\t' or '\r'
            && !decimal.TryParse(s, NumberStyles.Number, CultureInfo.InvariantCulture, out _))
            s = "'" + s;
        return s.IndexOfAny([',', '"', '\r', '\n']) >= 0 ? "\"" + s.Replace("\"", "\"\"") + "\"" : s;
    }
}
