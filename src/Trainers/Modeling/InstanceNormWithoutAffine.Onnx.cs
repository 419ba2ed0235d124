using MagNet.ML.Export;

namespace MagNet.ML.Modeling;

public sealed partial class InstanceNormWithoutAffine
{
    /// <summary>Emits the norm of <paramref name="x"/> [B, <paramref name="channels"/>, L] over L (InstanceNormalization, scale 1, bias 0).</summary>
    internal string EmitOnnx(OnnxGraphBuilder g, string x, long channels) => g.InstanceNorm(x, channels, (float)eps);
}
