using MagNet.ML.Export;

namespace MagNet.ML.Modeling;

public sealed partial class LanguageImageAttention
{
    /// <summary>
    /// Emits the word-to-pixel attention (see <see cref="forward"/>) literally, the official mask handling included:
    /// the query is multiplied by <paramref name="queryMask"/> and the scores get (1e4·m − 1e4), whatever m is.
    /// </summary>
    internal string EmitOnnx(OnnxGraphBuilder g, string prefix, string x, string pixels, string queryMask)
    {
        string query = g.Mul(OnnxSequential.Emit(g, f_query, $"{prefix}.f_query", g.Transpose(x, 0, 2, 1)), queryMask);   // [B, key, T]
        query = g.Transpose(query, 0, 2, 1);
        string l = g.Transpose(pixels, 0, 2, 1);                                                                       // [B, l_in, HW]
        string key = OnnxSequential.Emit(g, f_key, $"{prefix}.f_key", l);
        string value = OnnxSequential.Emit(g, f_value, $"{prefix}.f_value", l);
        query = g.Transpose(g.Reshape(query, 0, -1, numHeads, keyChannels / numHeads), 0, 2, 1, 3);
        key = g.Reshape(key, 0, numHeads, keyChannels / numHeads, -1);
        value = g.Reshape(value, 0, numHeads, valueChannels / numHeads, -1);
        string additive = g.Unsqueeze(g.Transpose(queryMask, 0, 2, 1), 1);                                             // [B, 1, T, 1]
        string scores = g.Mul(g.MatMul(query, key), g.Scalar((float)Math.Pow(keyChannels, -0.5)));
        scores = g.Add(scores, g.Sub(g.Mul(additive, g.Scalar(1e4f)), g.Scalar(1e4f)));
        string attention = g.Softmax(scores, -1);
        string output = g.MatMul(attention, g.Transpose(value, 0, 1, 3, 2));                                          // [B, heads, T, value/heads]
        output = g.Transpose(g.Reshape(g.Transpose(output, 0, 2, 1, 3), 0, -1, valueChannels), 0, 2, 1);
        return g.Transpose(OnnxSequential.Emit(g, W, $"{prefix}.W", output), 0, 2, 1);
    }
}
