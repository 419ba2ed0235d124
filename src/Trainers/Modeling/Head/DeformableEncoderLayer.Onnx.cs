using MagNet.ML.Export;

namespace MagNet.ML.Modeling;

public sealed partial class DeformableEncoderLayer
{
    /// <summary>The layer's deformable self-attention (the exporter builds the shared sampling-grid constant from it).</summary>
    internal MultiScaleDeformableAttention SelfAttention => self_attn;

    /// <summary>Emits norm1(x + MSDeformAttn(x + pos)) then norm2(x + linear2(relu(linear1(x)))).</summary>
    internal string EmitOnnx(OnnxGraphBuilder g, string prefix, string src, string pos, string gridBase, IReadOnlyList<(long Height, long Width)> spatialShapes)
    {
        using var scope = g.Scope(prefix);
        string attended = self_attn.EmitOnnx(g, $"{prefix}.self_attn", g.Add(src, pos), gridBase, src, spatialShapes);
        string x = g.LayerNorm(g.Add(src, attended), norm1, $"{prefix}.norm1");
        string ffn = g.Linear(g.Relu(g.Linear(x, linear1, $"{prefix}.linear1")), linear2, $"{prefix}.linear2");
        return g.LayerNorm(g.Add(x, ffn), norm2, $"{prefix}.norm2");
    }
}
