using System.Text.Json;

namespace MagNet.ML.Tests.Modeling;

/// <summary>Paths of the test fixtures (copied next to the test assembly) and readers that do not use the code under test.</summary>
internal static class Fixtures
{
    public static string ParityA(string file) => Path.Combine(AppContext.BaseDirectory, "fixtures", "official-parity-a", file);

    public static string MagNetBStateDict => Path.Combine(AppContext.BaseDirectory, "fixtures", "magnet-b-state-dict.tsv");

    /// <summary>Name → shape of every entry of a safetensors file, read from its JSON header directly.</summary>
    public static Dictionary<string, long[]> SafetensorsShapes(string path)
    {
        using var stream = File.OpenRead(path);
        var lengthBytes = new byte[8];
        stream.ReadExactly(lengthBytes);
        var header = new byte[BitConverter.ToUInt64(lengthBytes)];
        stream.ReadExactly(header);
        using var json = JsonDocument.Parse(header);
        var shapes = new Dictionary<string, long[]>();
        foreach (var entry in json.RootElement.EnumerateObject())
        {
            if (entry.Name == "__metadata__") continue;
            shapes[entry.Name] = entry.Value.GetProperty("shape").EnumerateArray().Select(d => d.GetInt64()).ToArray();
        }
        return shapes;
    }

    /// <summary>Name → shape of every entry of magnet-b-state-dict.tsv (columns name, shape "AxBxC", dtype, numel).</summary>
    public static Dictionary<string, long[]> TsvShapes(string path)
    {
        var shapes = new Dictionary<string, long[]>();
        foreach (var line in File.ReadLines(path).Skip(1))
        {
            if (line.Length == 0 || line.StartsWith('#')) continue;
            var columns = line.Split('\t');
            shapes[columns[0]] = columns[1].Split('x').Select(long.Parse).ToArray();
        }
        return shapes;
    }

    /// <summary>The entries of <paramref name="shapes"/> under <paramref name="prefix"/>, with the prefix removed.</summary>
    public static Dictionary<string, long[]> Under(this Dictionary<string, long[]> shapes, string prefix) =>
        shapes.Where(e => e.Key.StartsWith(prefix, StringComparison.Ordinal)).ToDictionary(e => e.Key[prefix.Length..], e => e.Value);

    public static string Describe(long[] shape) => "[" + string.Join(",", shape) + "]";
}
