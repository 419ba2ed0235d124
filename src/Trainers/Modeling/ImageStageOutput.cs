using static TorchSharp.torch;

namespace MagNet.ML.Modeling;

/// <summary>
/// Result of the fusion step of one image stage: the decoder feature Y_i [B, C, H, W] and, except after the last
/// stage, the down-sampled input of the next stage [B, H'·W', 2C] with its size H'×W'.
/// </summary>
/// <param name="Feature">Decoder feature Y_i [B, C, H, W].</param>
/// <param name="Next">PatchMerging output (next stage input), or null after the last stage.</param>
/// <param name="NextHeight">Height H' of <paramref name="Next"/> (H when there is none).</param>
/// <param name="NextWidth">Width W' of <paramref name="Next"/> (W when there is none).</param>
public sealed record ImageStageOutput(Tensor Feature, Tensor? Next, long NextHeight, long NextWidth);
