using static TorchSharp.torch;

namespace MagNet.ML.Modeling;

/// <summary>What the pixel decoder hands to the transformer decoder. Owns its tensors.</summary>
/// <param name="MaskFeatures">[N, mask_dim, H/4, W/4] per-pixel embeddings (the finest level through a 1×1 conv).</param>
/// <param name="MultiScaleFeatures">The three coarsest encoder outputs [N, C, h, w], coarsest first (strides 32, 16, 8).</param>
public sealed record PixelDecoderOutput(Tensor MaskFeatures, IReadOnlyList<Tensor> MultiScaleFeatures) : IDisposable
{
    /// <summary>Disposes every tensor of the output.</summary>
    public void Dispose()
    {
        MaskFeatures.Dispose();
        foreach (var t in MultiScaleFeatures) t.Dispose();
    }
}
