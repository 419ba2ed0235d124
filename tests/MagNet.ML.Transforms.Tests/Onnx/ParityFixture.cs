using System.Runtime.InteropServices;
using System.Text.Json;

namespace MagNet.ML.Transforms.Tests.Onnx;

/// <summary>The official parity fixture (tests/fixtures/official-parity-a), read with a small safetensors reader of its own.</summary>
internal static class ParityFixture
{
    public static readonly string[] Sentences = ["the red circle left of the blue square", "man on right"];

    public const int ImageSize = 96;

    public static string Path(string file) => System.IO.Path.Combine(AppContext.BaseDirectory, "fixtures", "official-parity-a", file);

    public static string ModelPath => Path("model.onnx");

    private static readonly Lazy<Dictionary<string, (long[] Shape, byte[] Data, string Type)>> Inputs = new(() => Read(Path("inputs.safetensors")));

    private static readonly Lazy<Dictionary<string, (long[] Shape, byte[] Data, string Type)>> Outputs = new(() => Read(Path("outputs.safetensors")));

    public static float[] InputFloats(string name) => MemoryMarshal.Cast<byte, float>(Inputs.Value[name].Data).ToArray();

    public static long[] InputLongs(string name) => MemoryMarshal.Cast<byte, long>(Inputs.Value[name].Data).ToArray();

    public static float[] OutputFloats(string name) => MemoryMarshal.Cast<byte, float>(Outputs.Value[name].Data).ToArray();

    public static long[] OutputShape(string name) => Outputs.Value[name].Shape;

    /// <summary>The [3, 96, 96] normalised image of batch element <paramref name="b"/>.</summary>
    public static float[] Image(int b) => InputFloats("image").Skip(b * 3 * ImageSize * ImageSize).Take(3 * ImageSize * ImageSize).ToArray();

    /// <summary>post.prob of batch element <paramref name="b"/>: [96·96].</summary>
    public static float[] Probability(int b) => OutputFloats("post.prob").Skip(b * ImageSize * ImageSize).Take(ImageSize * ImageSize).ToArray();

    private static Dictionary<string, (long[] Shape, byte[] Data, string Type)> Read(string path)
    {
        byte[] file = File.ReadAllBytes(path);
        long headerLength = BitConverter.ToInt64(file, 0);
        using var json = JsonDocument.Parse(file.AsMemory(8, (int)headerLength));
        var tensors = new Dictionary<string, (long[], byte[], string)>();
        foreach (var entry in json.RootElement.EnumerateObject())
        {
            if (entry.Name == "__metadata__") continue;
            var offsets = entry.Value.GetProperty("data_offsets").EnumerateArray().Select(o => o.GetInt64()).ToArray();
            var data = file.AsSpan((int)(8 + headerLength + offsets[0]), (int)(offsets[1] - offsets[0])).ToArray();
            tensors[entry.Name] = (entry.Value.GetProperty("shape").EnumerateArray().Select(d => d.GetInt64()).ToArray(), data,
                entry.Value.GetProperty("dtype").GetString()!);
        }
        return tensors;
    }
}
