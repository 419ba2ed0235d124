using MagNet.ML.Export;

namespace MagNet.ML.Modeling;

public sealed partial class BertAttention
{
    /// <summary>Emits self-attention then the projection-plus-residual sub-layer.</summary>
    internal string EmitOnnx(OnnxGraphBuilder g, string prefix, string hidden, string extendedMask) =>
        output.EmitOnnx(g, $"{prefix}.output", @self.EmitOnnx(g, $"{prefix}.self", hidden, extendedMask), hidden);
}
