using static TorchSharp.torch;

namespace MagNet.ML.Modeling;

/// <summary>
/// What <see cref="MagNetBackbone"/> produces: the decoder features Y_1..Y_4 ([B, C_i, H_i, W_i], strides
/// patch·2^(i−1)), the final language features [B, T, D] (after the stage-4 language fusion; for the text projection
/// and Mask Grounding) and BERT's additive mask [B, 1, 1, T]. Disposing it disposes the tensors.
/// </summary>
public sealed class BackboneOutput : IDisposable
{
    /// <summary>Wraps the given tensors (ownership passes to this object).</summary>
    public BackboneOutput(IReadOnlyList<Tensor> features, Tensor languageFeatures, Tensor extendedAttentionMask)
    {
        Features = features;
        LanguageFeatures = languageFeatures;
        ExtendedAttentionMask = extendedAttentionMask;
    }

    /// <summary>Y_1..Y_4, the multi-scale features for the head (s1..s4).</summary>
    public IReadOnlyList<Tensor> Features { get; }

    /// <summary>Language features after the last stage [B, T, D].</summary>
    public Tensor LanguageFeatures { get; }

    /// <summary>(1 − m)·(−10000) [B, 1, 1, T].</summary>
    public Tensor ExtendedAttentionMask { get; }

    /// <summary>Disposes every tensor.</summary>
    public void Dispose()
    {
        foreach (var feature in Features) feature.Dispose();
        LanguageFeatures.Dispose();
        ExtendedAttentionMask.Dispose();
    }
}
