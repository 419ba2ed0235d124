using MagNet.ML.Export;

namespace MagNet.ML.Modeling;

public sealed partial class DeformableEncoderLayer
{
    /// <summary>Emits norm1(x + MSDeformAttn(x + pos)) then norm2(x + linear2(relu(linear1(x)))).</summary>
    internal string EmitOnnx(OnnxGraphBuilder g, string prefix, string src, string pos, string referencePoints, IReadOnlyList<(long Height, long Width)> spatialShapes)
    {
        using var scope = g.Scope(prefix);
        string attended = self_attn.EmitOnnx(g, $"{prefix}.self_attn", g.Add(src, pos), referencePoints, src, spatialShapes);
        string x = g.LayerNorm(g.Add(src, attended), norm1, $"{prefix}.norm1");
        string ffn = g.Linear(g.Relu(g.Linear(x, linear1, $"{prefix}.linear1")), linear2, $"{prefix}.linear2");
        return g.LayerNorm(g.Add(x, ffn), norm2, $"{prefix}.norm2");
    }
}
