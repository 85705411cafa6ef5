using System.Globalization;
using WechatLoyalty.Domain.Common;
using WechatLoyalty.Domain.Members;
using WechatLoyalty.Domain.Programme;

namespace WechatLoyalty.Domain.Admin.Imports;

public sealed record ImportRow(int Line, PhoneNumber Phone, string? Name, Birthday? Birthday, string TierCode, long Points, DateOnly? JoinedOn);

public sealed record ImportError(int Line, string Column, string Value, string Problem);

/// <summary>
/// Validates an import file row by row. Columns by header (English or Chinese, any order): phone/手机号 (required),
/// name/姓名, birthday/生日 (YYYY-MM-DD), tier/等级 (code or name), points/积分 (opening balance, ≥ 0),
/// join_date/入会日期 (YYYY-MM-DD, not in the future). Every problem is reported, not just the first.
/// </summary>
public static class MemberImportRows
{
    public const int MaxRows = 200_000;

    private static readonly Dictionary<string, string> Headers = new(StringComparer.OrdinalIgnoreCase)
    {
        ["phone"] = "phone", ["mobile"] = "phone", ["手机号"] = "phone", ["手机"] = "phone",
        ["name"] = "name", ["nickname"] = "name", ["姓名"] = "name", ["昵称"] = "name",
        ["birthday"] = "birthday", ["生日"] = "birthday",
        ["tier"] = "tier", ["等级"] = "tier", ["会员等级"] = "tier",
        ["points"] = "points", ["points_balance"] = "points", ["积分"] = "points", ["积分余额"] = "points",
        ["join_date"] = "join_date", ["joined"] = "join_date", ["入会日期"] = "join_date",
    };

    private static readonly string[] DateFormats = ["yyyy-MM-dd", "yyyy/MM/dd", "yyyy-M-d", "yyyy/M/d"];

    public static (List<ImportRow> Rows, List<ImportError> Errors, int Total) Parse(string text, TierLadder ladder, DateOnly today)
    {
        var rows = new List<ImportRow>();
        var errors = new List<ImportError>();
        var records = Csv.Read(text).ToList();
        if (records.Count == 0) return (rows, [new ImportError(1, "", "", "The file is empty.")], 0);

        var (headerLine, header) = records[0];
        var columns = new Dictionary<string, int>();
        for (var i = 0; i < header.Length; i++)
        {
            var name = header[i].Trim();
            if (!Headers.TryGetValue(name, out var key)) { errors.Add(new ImportError(headerLine, name, name, "Unknown column.")); continue; }
            if (!columns.TryAdd(key, i)) errors.Add(new ImportError(headerLine, name, name, "Column given twice."));
        }
        if (!columns.ContainsKey("phone")) errors.Add(new ImportError(headerLine, "phone", "", "The phone column is required."));
        if (errors.Count > 0) return (rows, errors, records.Count - 1);
        if (records.Count - 1 > MaxRows)
            return (rows, [new ImportError(headerLine, "", "", $"At most {MaxRows} rows per file; split the file.")], records.Count - 1);

        var seen = new Dictionary<string, int>();
        foreach (var (line, fields) in records.Skip(1))
        {
            string Get(string column) => columns.TryGetValue(column, out var i) && i < fields.Length ? fields[i].Trim() : "";
            var before = errors.Count;
            void Bad(string column, string problem) => errors.Add(new ImportError(line, column, Get(column), problem));

            if (fields.Length != header.Length) Bad("", $"Expected {header.Length} fields, found {fields.Length}.");
            var phone = ParsePhone(Get("phone"));
            if (phone is null) Bad("phone", "Not a mobile number (11 digits starting with 1, or +country code and number).");
            else if (seen.TryGetValue(phone.E164, out var first)) Bad("phone", $"The same phone number is on line {first}.");
            else seen[phone.E164] = line;

            var name = Get("name");
            if (name.Length > 64) Bad("name", "At most 64 characters.");

            Birthday? birthday = null;
            if (Get("birthday") is { Length: > 0 } b)
            {
                if (!DateOnly.TryParseExact(b, DateFormats, CultureInfo.InvariantCulture, DateTimeStyles.None, out var d))
                    Bad("birthday", "Not a date (YYYY-MM-DD).");
                else
                {
                    try { birthday = Birthday.Create(d.Month, d.Day, d.Year, today); }
                    catch (DomainException ex) { Bad("birthday", ex.Message); }
                }
            }

            var tier = ladder.Entry.Code;
            if (Get("tier") is { Length: > 0 } t)
            {
                var match = ladder.Tiers.FirstOrDefault(x => string.Equals(x.Code, t, StringComparison.OrdinalIgnoreCase) || x.Name == t);
                if (match is null) Bad("tier", $"Unknown tier; use one of {string.Join(", ", ladder.Tiers.Select(x => x.Code))}.");
                else tier = match.Code;
            }

            long points = 0;
            if (Get("points") is { Length: > 0 } p && (!long.TryParse(p, NumberStyles.None, CultureInfo.InvariantCulture, out points) || points > 10_000_000))
                Bad("points", "A whole number from 0 to 10,000,000.");

            DateOnly? joined = null;
            if (Get("join_date") is { Length: > 0 } j)
            {
                if (!DateOnly.TryParseExact(j, DateFormats, CultureInfo.InvariantCulture, DateTimeStyles.None, out var d)) Bad("join_date", "Not a date (YYYY-MM-DD).");
                else if (d > today) Bad("join_date", "In the future.");
                else if (d.Year < 1990) Bad("join_date", "Before 1990.");
                else joined = d;
            }

            if (errors.Count == before)
                rows.Add(new ImportRow(line, phone!, name.Length == 0 ? null : name, birthday, tier, points, joined));
        }
        return (rows, errors, records.Count - 1);
    }

    /// <summary>Mainland mobiles as staff type them (spaces, dashes, an optional +86 / 86), or +cc and number.</summary>
    public static PhoneNumber? ParsePhone(string raw)
    {
        var s = new string([.. raw.Where(c => c is not (' ' or '-' or '(' or ')'))]);
        if (s.StartsWith("+86", StringComparison.Ordinal)) s = s[3..];
        else if (s.StartsWith("0086", StringComparison.Ordinal)) s = s[4..];
        else if (s.Length == 13 && s.StartsWith("86", StringComparison.Ordinal)) s = s[2..];
        else if (s.StartsWith('+'))
        {
            // Other countries: +cc followed by the number; the country code is 1-3 digits, not knowable without a table,
            // so only unambiguous shapes are accepted (Hong Kong 852, Macau 853, Taiwan 886).
            foreach (var cc in new[] { "852", "853", "886" })
            {
                if (s.Length > 1 + cc.Length && s[1..].StartsWith(cc, StringComparison.Ordinal) && s[(1 + cc.Length)..].All(char.IsAsciiDigit))
                    return PhoneNumber.Parse(cc, s[(1 + cc.Length)..]);
            }
            return null;
        }
        return s.Length == 11 && s[0] == '1' && s[1] is >= '3' and <= '9' && s.All(char.IsAsciiDigit) ? PhoneNumber.Parse("86", s) : null;
    }

    public static string ErrorReport(IEnumerable<ImportError> errors)
    {
        var sb = new System.Text.StringBuilder("\uFEFF").Append(Csv.Line("line", "column", "value", "problem"));
        foreach (var e in errors) sb.Append(Csv.Line(e.Line.ToString(CultureInfo.InvariantCulture), e.Column, e.Value, e.Problem));
        return sb.ToString();
    }
}
