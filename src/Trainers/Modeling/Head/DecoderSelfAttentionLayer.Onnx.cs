using MagNet.ML.Export;

namespace MagNet.ML.Modeling;

public sealed partial class DecoderSelfAttentionLayer
{
    /// <summary>Emits the query self-attention layer (pre- or post-norm, see <see cref="forward"/>).</summary>
    internal string EmitOnnx(OnnxGraphBuilder g, string prefix, string target, string queryPosition)
    {
        using var scope = g.Scope(prefix);
        string input = preNorm ? g.LayerNorm(target, norm, $"{prefix}.norm") : target;
        string withPosition = g.Add(input, queryPosition);
        string attended = self_attn.EmitOnnx(g, $"{prefix}.self_attn", withPosition, withPosition, input, null);
        return preNorm ? g.Add(target, attended) : g.LayerNorm(g.Add(target, attended), norm, $"{prefix}.norm");
    }
}
