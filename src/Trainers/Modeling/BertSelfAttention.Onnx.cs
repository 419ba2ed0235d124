using MagNet.ML.Export;

namespace MagNet.ML.Modeling;

public sealed partial class BertSelfAttention
{
    /// <summary>Emits QKᵀ/√d + mask → softmax → weighted values, heads concatenated (see <see cref="forward"/>).</summary>
    internal string EmitOnnx(OnnxGraphBuilder g, string prefix, string hidden, string extendedMask)
    {
        string Heads(string t) => g.Transpose(g.Reshape(t, 0, -1, numHeads, headSize), 0, 2, 1, 3);
        string q = Heads(g.Linear(hidden, query, $"{prefix}.query"));
        string k = Heads(g.Linear(hidden, key, $"{prefix}.key"));
        string v = Heads(g.Linear(hidden, value, $"{prefix}.value"));
        string scores = g.Div(g.MatMul(q, g.Transpose(k, 0, 1, 3, 2)), g.Scalar((float)Math.Sqrt(headSize)));
        string probabilities = g.Softmax(g.Add(scores, extendedMask), -1);
        return g.Reshape(g.Transpose(g.MatMul(probabilities, v), 0, 2, 1, 3), 0, -1, numHeads * headSize);
    }
}
