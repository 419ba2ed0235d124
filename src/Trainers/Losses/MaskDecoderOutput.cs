using static TorchSharp.torch;

namespace MagNet.ML.Training;

/// <summary>
/// One prediction of the Mask2Former-style decoder (the initial one or one per layer; all are supervised).
/// </summary>
/// <param name="ClassLogits">Class logits [B,Q=1,K+1]; the last index is "no object" (for MagNet K = 1: index 0 is
/// the referred object, index 1 no object).</param>
/// <param name="MaskLogits">Mask logits [B,Q=1,h,w] (before sigmoid).</param>
public readonly record struct MaskDecoderOutput(Tensor ClassLogits, Tensor MaskLogits);
