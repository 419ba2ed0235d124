using System.Text.Json;

namespace MagNet.ML.Tests.Synthetic;

/// <summary>One object as the scene JSON states it.</summary>
internal sealed record FactObject(int Order, string Shape, string Colour, string Size, double X, double Y, int[] Box, long VisiblePixels);

/// <summary>The scene JSON of a row read back into plain facts (what an outside checker sees).</summary>
internal sealed record SceneFacts(int Width, int Height, double Margin, IReadOnlyList<FactObject> Objects)
{
    public static SceneFacts Parse(JsonElement scene)
    {
        var objects = new List<FactObject>();
        foreach (var o in scene.GetProperty("objects").EnumerateArray())
        {
            var center = o.GetProperty("center");
            objects.Add(new FactObject(
                o.GetProperty("order").GetInt32(),
                o.GetProperty("shape").GetString()!,
                o.GetProperty("colour").GetString()!,
                o.GetProperty("size").GetString()!,
                center[0].GetDouble(),
                center[1].GetDouble(),
                o.GetProperty("bbox").EnumerateArray().Select(v => v.GetInt32()).ToArray(),
                o.GetProperty("visible_pixels").GetInt64()));
        }
        return new SceneFacts(scene.GetProperty("width").GetInt32(), scene.GetProperty("height").GetInt32(),
            scene.GetProperty("margin").GetDouble(), objects);
    }

    public static SceneFacts Parse(string json)
    {
        using var document = JsonDocument.Parse(json);
        return Parse(document.RootElement);
    }
}
