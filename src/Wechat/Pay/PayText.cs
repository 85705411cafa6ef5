using System.Text;

namespace WechatLoyalty.Wechat.Pay;

/// <summary>Text rules of WeChat Pay JSON: only UTF-8 characters of 1–3 bytes (no emoji).</summary>
public static class PayText
{
    /// <summary>Drops every character outside the BMP (4 UTF-8 bytes), which WeChat Pay rejects.</summary>
    public static string? StripFourByteCharacters(string? text)
    {
        if (string.IsNullOrEmpty(text))
        {
            return text;
        }

        var builder = new StringBuilder(text.Length);
        foreach (var rune in text.EnumerateRunes())
        {
            if (rune.Utf8SequenceLength < 4)
            {
                builder.Append(rune.ToString());
            }
        }

        return builder.ToString();
    }
}
