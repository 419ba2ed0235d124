using MagNet.ML.Export;

namespace MagNet.ML.Modeling;

public sealed partial class DecoderFeedForwardLayer
{
    /// <summary>Emits the feed-forward block (pre- or post-norm, see <see cref="forward"/>).</summary>
    internal string EmitOnnx(OnnxGraphBuilder g, string prefix, string target)
    {
        using var scope = g.Scope(prefix);
        string input = preNorm ? g.LayerNorm(target, norm, $"{prefix}.norm") : target;
        string hidden = g.Linear(g.Relu(g.Linear(input, linear1, $"{prefix}.linear1")), linear2, $"{prefix}.linear2");
        return preNorm ? g.Add(target, hidden) : g.LayerNorm(g.Add(target, hidden), norm, $"{prefix}.norm");
    }
}
