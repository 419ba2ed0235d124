using static TorchSharp.torch;

namespace MagNet.ML.Modeling;

/// <summary>One prediction of the transformer decoder. Owns its tensors.</summary>
/// <param name="Logits">[N, Q, K+1] class logits (K object classes and "no object").</param>
/// <param name="Masks">[N, Q, H/4, W/4] mask logits.</param>
public sealed record MaskPrediction(Tensor Logits, Tensor Masks) : IDisposable
{
    /// <summary>Disposes both tensors.</summary>
    public void Dispose()
    {
        Logits.Dispose();
        Masks.Dispose();
    }
}
