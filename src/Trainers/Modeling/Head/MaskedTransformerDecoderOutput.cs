using static TorchSharp.torch;

namespace MagNet.ML.Modeling;

/// <summary>What the masked transformer decoder produces. Owns its tensors.</summary>
/// <param name="Predictions">Every prediction in order: from the learnable queries, then after each decoder layer (the last is the final one).</param>
/// <param name="QueryEmbedding">[N, Q, hidden] the final queries after <c>decoder_norm</c> (the input of the class and mask heads).</param>
public sealed record MaskedTransformerDecoderOutput(IReadOnlyList<MaskPrediction> Predictions, Tensor QueryEmbedding) : IDisposable
{
    /// <summary>Disposes every tensor of the output.</summary>
    public void Dispose()
    {
        foreach (var p in Predictions) p.Dispose();
        QueryEmbedding.Dispose();
    }
}
