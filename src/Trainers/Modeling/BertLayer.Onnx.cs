using MagNet.ML.Export;

namespace MagNet.ML.Modeling;

public sealed partial class BertLayer
{
    /// <summary>Emits the layer on <paramref name="hidden"/> [B, T, D] with the additive mask [B, 1, 1, T].</summary>
    internal string EmitOnnx(OnnxGraphBuilder g, string prefix, string hidden, string extendedMask)
    {
        using var scope = g.Scope(prefix);
        string attended = attention.EmitOnnx(g, $"{prefix}.attention", hidden, extendedMask);
        return output.EmitOnnx(g, $"{prefix}.output", intermediate.EmitOnnx(g, $"{prefix}.intermediate", attended), attended);
    }
}
