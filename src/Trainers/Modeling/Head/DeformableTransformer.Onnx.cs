using MagNet.ML.Export;
using TorchSharp;
using static TorchSharp.torch;

namespace MagNet.ML.Modeling;

public sealed partial class DeformableTransformer
{
    /// <summary>
    /// Emits the flattening of the levels, position + level embeddings and the encoder (see <see cref="forward"/>).
    /// <paramref name="positions"/> are the levels' position encodings [1, C, h, w], written as constants.
    /// </summary>
    internal string EmitOnnx(OnnxGraphBuilder g, string prefix, IReadOnlyList<OnnxFeature> sources, IReadOnlyList<Tensor> positions)
    {
        using var scope = NewDisposeScope();
        string levelEmbed = g.AddInitializer($"{prefix}.level_embed", level_embed);
        var flatSources = new string[sources.Count];
        var flatPositions = new string[sources.Count];
        var shapes = new (long Height, long Width)[sources.Count];
        for (int level = 0; level < sources.Count; level++)
        {
            var s = sources[level];
            shapes[level] = (s.Height, s.Width);
            flatSources[level] = g.Transpose(g.Reshape(s.Value, 0, s.Channels, s.Height * s.Width), 0, 2, 1);
            string position = g.AddConstant($"{prefix}.pos{level}", positions[level].flatten(2).transpose(1, 2));
            flatPositions[level] = g.Add(position, g.Reshape(g.Gather(levelEmbed, g.ScalarInt64(level)), 1, 1, -1));
        }
        return encoder.EmitOnnx(g, $"{prefix}.encoder", g.Concat(1, flatSources), g.Concat(1, flatPositions), shapes);
    }
}
