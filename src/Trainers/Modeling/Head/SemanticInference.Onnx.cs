using MagNet.ML.Export;

namespace MagNet.ML.Modeling;

public static partial class SemanticInference
{
    /// <summary>
    /// Emits <see cref="Postprocess"/>: mask logits upsampled (bilinear, aligned corners) to
    /// <paramref name="height"/>×<paramref name="width"/>, sigmoid, weighted by softmax(class logits over the query
    /// axis)[..., 1:] and summed over queries. Returns [B, K, height, width].
    /// </summary>
    internal static string EmitOnnx(OnnxGraphBuilder g, OnnxHeadOutput head, long height, long width)
    {
        using var scope = g.Scope("postprocess");
        string upsampled = g.ResizeBilinear(head.MaskLogits, height, width, alignCorners: true);
        string classWeights = g.Slice(g.Softmax(head.ClassLogits, 1), [1], [head.Classes + 1], [2]);           // [B, Q, K]
        string probabilities = g.Reshape(g.Sigmoid(upsampled), 0, head.Queries, height * width);              // [B, Q, H·W]
        return g.Reshape(g.MatMul(g.Transpose(classWeights, 0, 2, 1), probabilities), 0, head.Classes, height, width);
    }
}
