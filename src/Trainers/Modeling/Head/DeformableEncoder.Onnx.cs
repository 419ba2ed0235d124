using MagNet.ML.Export;
using TorchSharp;
using static TorchSharp.torch;

namespace MagNet.ML.Modeling;

public sealed partial class DeformableEncoder
{
    /// <summary>
    /// Emits all layers. The reference points [1, Σ h·w, levels, 2] are fixed by the image size, so their GridSample
    /// form (<see cref="MultiScaleDeformableAttention.GridBase"/>) is one graph constant shared by the layers.
    /// </summary>
    internal string EmitOnnx(OnnxGraphBuilder g, string prefix, string src, string pos, IReadOnlyList<(long Height, long Width)> spatialShapes)
    {
        if (layers.Count == 0) return src;
        string gridBase;
        using (NewDisposeScope())
            gridBase = g.AddConstant($"{prefix}.grid_base", layers[0].SelfAttention.GridBase(ReferencePoints(spatialShapes, 1)));
        string output = src;
        for (int j = 0; j < layers.Count; j++)
            output = layers[j].EmitOnnx(g, $"{prefix}.layers.{j}", output, pos, gridBase, spatialShapes);
        return output;
    }
}
