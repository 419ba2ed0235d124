using MagNet.ML.Export;

namespace MagNet.ML.Modeling;

public sealed partial class DecoderCrossAttentionLayer
{
    /// <summary>Emits the masked cross-attention layer (pre- or post-norm, see <see cref="forward"/>).</summary>
    internal string EmitOnnx(OnnxGraphBuilder g, string prefix, string target, string memory, string? blockedPairs, string memoryPosition, string queryPosition)
    {
        using var scope = g.Scope(prefix);
        string input = preNorm ? g.LayerNorm(target, norm, $"{prefix}.norm") : target;
        string attended = multihead_attn.EmitOnnx(g, $"{prefix}.multihead_attn", g.Add(input, queryPosition), g.Add(memory, memoryPosition), memory, blockedPairs);
        return preNorm ? g.Add(target, attended) : g.LayerNorm(g.Add(target, attended), norm, $"{prefix}.norm");
    }
}
