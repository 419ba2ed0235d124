using MagNet.ML.Export;

namespace MagNet.ML.Modeling;

public sealed partial class BertIntermediate
{
    /// <summary>Emits act(dense(x)) with the exact GELU or ReLU.</summary>
    internal string EmitOnnx(OnnxGraphBuilder g, string prefix, string hidden)
    {
        string h = g.Linear(hidden, dense, $"{prefix}.dense");
        return relu ? g.Relu(h) : g.Gelu(h);
    }
}
