using static TorchSharp.torch;

namespace MagNet.ML.Modeling;

/// <summary>Everything the MagNet head computes in one forward pass. Owns its tensors; dispose it.</summary>
/// <param name="PredLogits">[N, Q, K+1] class logits of the final prediction.</param>
/// <param name="PredMasks">[N, Q, H/4, W/4] mask logits of the final prediction.</param>
/// <param name="AuxOutputs">The earlier predictions (from the learnable queries, then after each decoder layer but the last), for deep supervision.</param>
/// <param name="MaskFeatures">[N, mask_dim, H/4, W/4] per-pixel embeddings of the pixel decoder.</param>
/// <param name="QueryEmbedding">[N, Q, hidden] the final decoder queries after <c>decoder_norm</c>.</param>
public sealed record MaskFormerHeadOutput(
    Tensor PredLogits,
    Tensor PredMasks,
    IReadOnlyList<MaskPrediction> AuxOutputs,
    Tensor MaskFeatures,
    Tensor QueryEmbedding) : IDisposable
{
    /// <summary>Disposes every tensor of the output.</summary>
    public void Dispose()
    {
        PredLogits.Dispose();
        PredMasks.Dispose();
        foreach (var aux in AuxOutputs) aux.Dispose();
        MaskFeatures.Dispose();
        QueryEmbedding.Dispose();
    }
}
