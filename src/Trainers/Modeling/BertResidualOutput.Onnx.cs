using MagNet.ML.Export;

namespace MagNet.ML.Modeling;

public sealed partial class BertResidualOutput
{
    /// <summary>Emits LayerNorm(dense(<paramref name="hidden"/>) + <paramref name="residual"/>).</summary>
    internal string EmitOnnx(OnnxGraphBuilder g, string prefix, string hidden, string residual) =>
        g.LayerNorm(g.Add(g.Linear(hidden, dense, $"{prefix}.dense"), residual), LayerNorm, $"{prefix}.LayerNorm");
}
