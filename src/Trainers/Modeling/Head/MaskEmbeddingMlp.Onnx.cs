using MagNet.ML.Export;

namespace MagNet.ML.Modeling;

public sealed partial class MaskEmbeddingMlp
{
    /// <summary>Emits the linear layers with ReLU between them (none after the last).</summary>
    internal string EmitOnnx(OnnxGraphBuilder g, string prefix, string input)
    {
        string x = input;
        for (int i = 0; i < layers.Count; i++)
        {
            x = g.Linear(x, layers[i], $"{prefix}.layers.{i}");
            if (i < layers.Count - 1) x = g.Relu(x);
        }
        return x;
    }
}
