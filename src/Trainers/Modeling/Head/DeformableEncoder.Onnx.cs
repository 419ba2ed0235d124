using MagNet.ML.Export;
using TorchSharp;
using static TorchSharp.torch;

namespace MagNet.ML.Modeling;

public sealed partial class DeformableEncoder
{
    /// <summary>Emits all layers; the reference points [1, Σ h·w, levels, 2] are a graph constant.</summary>
    internal string EmitOnnx(OnnxGraphBuilder g, string prefix, string src, string pos, IReadOnlyList<(long Height, long Width)> spatialShapes)
    {
        string referencePoints;
        using (NewDisposeScope())
            referencePoints = g.AddConstant($"{prefix}.reference_points", ReferencePoints(spatialShapes, 1));
        string output = src;
        for (int j = 0; j < layers.Count; j++)
            output = layers[j].EmitOnnx(g, $"{prefix}.layers.{j}", output, pos, referencePoints, spatialShapes);
        return output;
    }
}
