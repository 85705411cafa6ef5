using System.Xml;
using System.Xml.Linq;

namespace WechatLoyalty.Wechat.OfficialAccount;

/// <summary>
/// Hardened XML reading for pushes: no DTDs (so no entity expansion or external entities), no resolver, bounded size.
/// WeChat's push XML is flat, so the result is the root's child elements by name.
/// </summary>
public static class OaXml
{
    /// <summary>Pushes are small; anything bigger is not WeChat.</summary>
    public const int MaxLength = 64 * 1024;

    private static readonly XmlReaderSettings Settings = new()
    {
        DtdProcessing = DtdProcessing.Prohibit,
        XmlResolver = null,
        MaxCharactersInDocument = MaxLength,
        MaxCharactersFromEntities = 0,
        IgnoreComments = true,
        IgnoreProcessingInstructions = true,
    };

    /// <summary>Throws <see cref="OaMessageException"/> (TooLarge / MalformedXml).</summary>
    public static Dictionary<string, string> ParseFlat(string xml)
    {
        if (xml.Length > MaxLength)
        {
            throw new OaMessageException(OaMessageError.TooLarge, $"{xml.Length} characters");
        }

        try
        {
            using var text = new StringReader(xml);
            using var reader = XmlReader.Create(text, Settings);
            var root = XElement.Load(reader);
            var fields = new Dictionary<string, string>(StringComparer.Ordinal);
            foreach (var element in root.Elements())
            {
                // Nested elements (e.g. subscribe_msg List items) keep their inner XML text for callers that need it.
                fields[element.Name.LocalName] = element.HasElements ? string.Concat(element.Nodes()) : element.Value;
            }

            return fields;
        }
        catch (XmlException ex)
        {
            throw new OaMessageException(OaMessageError.MalformedXml, ex.Message, ex);
        }
    }
}
