using MagNet.ML.Export;

namespace MagNet.ML.Modeling;

public sealed partial class SwinMlp
{
    /// <summary>Emits <c>fc2(GELU(fc1(x)))</c> (dropout is the identity at inference).</summary>
    internal string EmitOnnx(OnnxGraphBuilder g, string prefix, string x) =>
        g.Linear(g.Gelu(g.Linear(x, fc1, $"{prefix}.fc1")), fc2, $"{prefix}.fc2");
}
