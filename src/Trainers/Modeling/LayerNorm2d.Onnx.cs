using MagNet.ML.Export;

namespace MagNet.ML.Modeling;

public sealed partial class LayerNorm2d
{
    /// <summary>
    /// Emits the channels-first LayerNorm on <paramref name="x"/> [B, C, H, W] in the order of <see cref="forward"/>:
    /// mean and biased variance over axis 1, (x − mean)/√(var + eps), then the per-channel weight and bias.
    /// </summary>
    internal string EmitOnnx(OnnxGraphBuilder g, string prefix, string x)
    {
        string centered = g.Sub(x, g.ReduceMean(x, [1]));
        string variance = g.ReduceMean(g.Pow(centered, g.Scalar(2f)), [1]);
        string normalised = g.Div(centered, g.Sqrt(g.Add(variance, g.Scalar((float)eps))));
        string w = g.Reshape(g.AddInitializer($"{prefix}.weight", weight), -1, 1, 1);
        string b = g.Reshape(g.AddInitializer($"{prefix}.bias", bias), -1, 1, 1);
        return g.Add(g.Mul(w, normalised), b);
    }
}
