using MagNet.ML.Export;

namespace MagNet.ML.Modeling;

public sealed partial class ImageLanguageAttention
{
    /// <summary>
    /// Emits the pixel-to-word attention (see <see cref="forward"/>) in its order of operations: masked key/value
    /// projections, scores scaled by key_channels^−0.5 plus (1e4·m − 1e4), softmax over words, <c>W</c>.
    /// </summary>
    internal string EmitOnnx(OnnxGraphBuilder g, string prefix, string x, string l, string lMask)
    {
        string mask = g.Transpose(lMask, 0, 2, 1);                                            // [B, 1, T]
        string query = OnnxSequential.Emit(g, f_query, $"{prefix}.f_query", x);                // [B, HW, key]
        string key = g.Mul(OnnxSequential.Emit(g, f_key, $"{prefix}.f_key", l), mask);         // [B, key, T]
        string value = g.Mul(OnnxSequential.Emit(g, f_value, $"{prefix}.f_value", l), mask);   // [B, value, T]
        query = g.Transpose(g.Reshape(query, 0, -1, numHeads, keyChannels / numHeads), 0, 2, 1, 3);
        key = g.Reshape(key, 0, numHeads, keyChannels / numHeads, -1);
        value = g.Reshape(value, 0, numHeads, valueChannels / numHeads, -1);
        string additive = g.Unsqueeze(mask, 1);                                              // [B, 1, 1, T]
        string scores = g.Mul(g.MatMul(query, key), g.Scalar((float)Math.Pow(keyChannels, -0.5)));
        scores = g.Add(scores, g.Sub(g.Mul(additive, g.Scalar(1e4f)), g.Scalar(1e4f)));
        string attention = g.Softmax(scores, -1);
        string output = g.MatMul(attention, g.Transpose(value, 0, 1, 3, 2));                  // [B, heads, HW, value/heads]
        output = g.Reshape(g.Transpose(output, 0, 2, 1, 3), 0, -1, valueChannels);
        return OnnxSequential.Emit(g, W, $"{prefix}.W", output);
    }
}
