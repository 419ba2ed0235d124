using MagNet.ML.Export;

namespace MagNet.ML.Modeling;

public sealed partial class WindowAttention
{
    /// <summary>
    /// Emits the window attention on <paramref name="x"/> [B·windows, N, C] as <see cref="forward"/> computes it: qkv,
    /// scaled q·kᵀ, the relative position bias gathered from the table by the index buffer, the shifted-window mask
    /// <paramref name="mask"/> ([1, windows, 1, N, N] additive, or null), softmax, the weighted values and proj.
    /// </summary>
    internal string EmitOnnx(OnnxGraphBuilder g, string prefix, string x, string? mask, long windows, long tokens, long channels)
    {
        using var scope = g.Scope(prefix);
        string qkvOut = g.Transpose(g.Reshape(g.Linear(x, qkv, $"{prefix}.qkv"), -1, tokens, 3, numHeads, channels / numHeads), 2, 0, 3, 1, 4);
        string q = g.Mul(g.Gather(qkvOut, g.ScalarInt64(0)), g.Scalar((float)scale));
        string k = g.Gather(qkvOut, g.ScalarInt64(1));
        string v = g.Gather(qkvOut, g.ScalarInt64(2));
        string attention = g.MatMul(q, g.Transpose(k, 0, 1, 3, 2));
        string table = g.AddInitializer($"{prefix}.relative_position_bias_table", relative_position_bias_table);
        string index = g.AddInitializer($"{prefix}.relative_position_index", relative_position_index);
        attention = g.Add(attention, g.Transpose(g.Gather(table, index), 2, 0, 1));
        if (mask is not null)
            attention = g.Reshape(g.Add(g.Reshape(attention, -1, windows, numHeads, tokens, tokens), mask), -1, numHeads, tokens, tokens);
        attention = g.Softmax(attention, -1);
        string result = g.Reshape(g.Transpose(g.MatMul(attention, v), 0, 2, 1, 3), -1, tokens, channels);
        return g.Linear(result, proj, $"{prefix}.proj");
    }
}
