using System.Text;

namespace WechatLoyalty.Domain.Admin.Imports;

/// <summary>A small RFC 4180 reader and writer: quoted fields, doubled quotes, CRLF or LF, a UTF-8 BOM ignored.</summary>
public static class Csv
{
    public static IEnumerable<(int Line, string[] Fields)> Read(string text)
    {
        var fields = new List<string>();
        var field = new StringBuilder();
        var inQuotes = false;
        var line = 1;
        var recordLine = 1;
        var i = text.Length > 0 && text[0] == '\uFEFF' ? 1 : 0;
        for (; i < text.Length; i++)
        {
            var c = text[i];
            if (inQuotes)
            {
                if (c == '"' && i + 1 < text.Length && text[i + 1] == '"') { field.Append('"'); i++; }
                else if (c == '"') inQuotes = false;
                else { if (c == '\n') line++; field.Append(c); }
                continue;
            }
            switch (c)
            {
                case '"' when field.Length == 0: inQuotes = true; break;
                case ',': fields.Add(field.ToString()); field.Clear(); break;
                case '\r': break;
                case '\n':
                    fields.Add(field.ToString()); field.Clear();
                    if (!(fields.Count == 1 && fields[0].Length == 0)) yield return (recordLine, [.. fields]);
                    fields.Clear();
                    line++;
                    recordLine = line;
                    break;
                default: field.Append(c); break;
            }
        }
        if (field.Length > 0 || fields.Count > 0)
        {
            fields.Add(field.ToString());
            if (!(fields.Count == 1 && fields[0].Length == 0)) yield return (recordLine, [.. fields]);
        }
    }

    public static string Field(string? value)
    {
        value ??= "";
        // A leading = + - @ would be a formula in Excel: a report of user-supplied values must not execute any.
        if (value.Length > 0 && value[0] is '=' or '+' or '-' or '@') value = "'" + value;
        return value.IndexOfAny([',', '"', '\n', '\r']) >= 0 ? "\"" + value.Replace("\"", "\"\"") + "\"" : value;
    }

    public static string Line(params string?[] values) => string.Join(",", values.Select(Field)) + "\r\n";
}
