using TorchSharp;
using static TorchSharp.torch;
using static TorchSharp.torch.nn.functional;

namespace MagNet.ML.Modeling;

/// <summary>
/// The official post-processing (<c>test.py</c>: upsampling, then <c>semantic_inference</c>) that turns the head's
/// final prediction into a per-pixel probability map.
/// </summary>
public static partial class SemanticInference
{
    /// <summary>
    /// Upsamples the mask logits bilinearly (<c>align_corners=true</c>) to <paramref name="outputSize"/>, then returns
    /// <c>einsum("bqc,bqhw->bchw", softmax(predLogits, dim=1)[..., 1:], sigmoid(masks))</c>. The softmax runs over the
    /// query axis, as in the official code: with one query it is exactly 1, so the result is sigmoid of the upsampled
    /// logits and the class head is ignored. The foreground mask is <c>probability &gt; 0.5</c>.
    /// </summary>
    /// <param name="predLogits">[N, Q, K+1] class logits.</param>
    /// <param name="predMasks">[N, Q, h, w] mask logits.</param>
    /// <param name="outputSize">Target (height, width), e.g. the network input size.</param>
    /// <returns>[N, K, height, width] probabilities (K = 1 for MagNet).</returns>
    public static Tensor Postprocess(Tensor predLogits, Tensor predMasks, (long Height, long Width) outputSize)
    {
        if (predLogits.dim() != 3 || predMasks.dim() != 4 || predLogits.shape[0] != predMasks.shape[0] || predLogits.shape[1] != predMasks.shape[1])
            throw new ArgumentException($"Expected logits [N, Q, K+1] and masks [N, Q, h, w] with the same N and Q; got [{string.Join(", ", predLogits.shape)}] and [{string.Join(", ", predMasks.shape)}].");
        if (outputSize.Height <= 0 || outputSize.Width <= 0)
            throw new ArgumentException($"The output size must be positive; got {outputSize.Height}x{outputSize.Width}.", nameof(outputSize));
        using var scope = NewDisposeScope();
        var upsampled = interpolate(predMasks, new[] { outputSize.Height, outputSize.Width }, mode: InterpolationMode.Bilinear, align_corners: true);
        TensorRecorder.Record("post.mask_logits_upsampled", upsampled);
        var classWeights = softmax(predLogits, 1).index(TensorIndex.Ellipsis, TensorIndex.Slice(1, null));
        var probability = einsum("bqc,bqhw->bchw", classWeights, upsampled.sigmoid());
        TensorRecorder.Record("post.prob", probability);
        return probability.MoveToOuterDisposeScope();
    }
}
