using MagNet.ML.Export;

namespace MagNet.ML.Modeling;

public sealed partial class PackedMultiheadAttention
{
    /// <summary>
    /// Emits sequence-first multi-head attention (see <see cref="forward"/>): the packed projection split into its
    /// query/key/value rows, (q/√d)·kᵀ, blocked pairs set to −∞ (Where), softmax, weighted values, <c>out_proj</c>.
    /// </summary>
    internal string EmitOnnx(OnnxGraphBuilder g, string prefix, string query, string key, string value, string? blockedPairs)
    {
        long headDim = embedDim / heads;
        string weight = g.AddInitializer($"{prefix}.in_proj_weight", in_proj_weight);
        string bias = g.AddInitializer($"{prefix}.in_proj_bias", in_proj_bias);
        string Project(string x, int part) => g.Linear(x,
            g.Slice(weight, [part * embedDim], [(part + 1) * embedDim], [0]),
            g.Slice(bias, [part * embedDim], [(part + 1) * embedDim], [0]));
        string Heads(string x) => g.Transpose(g.Reshape(x, 0, -1, headDim), 1, 0, 2);                  // [B·heads, L, headDim]
        string q = Heads(Project(query, 0)), k = Heads(Project(key, 1)), v = Heads(Project(value, 2));

        string scores = g.MatMul(g.Div(q, g.Scalar((float)Math.Sqrt(headDim))), g.Transpose(k, 0, 2, 1));
        if (blockedPairs is not null) scores = g.Where(blockedPairs, g.Scalar(float.NegativeInfinity), scores);
        string attention = g.Softmax(scores, -1);
        string output = g.Reshape(g.Transpose(g.MatMul(attention, v), 1, 0, 2), -1, embedDim);           // [L·B, E]
        return g.Reshape(g.Linear(output, out_proj, $"{prefix}.out_proj"), g.ShapeOf(query));
    }
}
