using System.Text.Json;

namespace WechatLoyalty.Wechat.Tests.Support;

/// <summary>The published vectors in /work/shared/wechat-vectors, copied to vectors/ in the output folder.</summary>
internal static class Vectors
{
    public static JsonElement Load(string idPrefix)
    {
        var directory = Path.Combine(AppContext.BaseDirectory, "vectors");
        var file = Directory.GetFiles(directory, idPrefix + "*.json").Single();
        using var document = JsonDocument.Parse(File.ReadAllText(file));
        return document.RootElement.Clone();
    }

    public static string Input(this JsonElement vector, string name) => vector.GetProperty("inputs").GetProperty(name).GetString()!;

    public static JsonElement Expected(this JsonElement vector) => vector.GetProperty("expected");
}
