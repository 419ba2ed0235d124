using MagNet.ML.Export;

namespace MagNet.ML.Modeling;

public sealed partial class MagNetModel
{
    /// <summary>
    /// Emits the inference forward on the graph inputs (image [B, 3, S, S], int64 ids and mask [B, T]): backbone, head
    /// and, when <paramref name="withProbability"/>, the official post-processing at S×S. <c>lang_proj</c>, the output
    /// norms and the deep-supervision predictions are training-only and are not emitted.
    /// </summary>
    internal (OnnxHeadOutput Head, string? Probability) EmitOnnx(OnnxGraphBuilder g, string image, string inputIds, string attentionMask, bool withProbability)
    {
        var features = MagNetBackbone.EmitOnnx(g, (IOnnxImageEncoder)image_model, language_model, "image_model", "language_model",
            image, inputIds, attentionMask, Config.ImageSize, Config.MaxTokens);
        var head = classifier.EmitOnnx(g, "classifier", features);
        string? probability = withProbability ? SemanticInference.EmitOnnx(g, head, Config.ImageSize, Config.ImageSize) : null;
        return (head, probability);
    }
}
