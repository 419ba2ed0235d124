using static TorchSharp.torch;

namespace MagNet.ML.Modeling;

/// <summary>
/// The stage-wise forward of an image encoder with LAVT fusion, as <see cref="MagNetBackbone.Forward"/> interleaves it
/// with the text encoder: the stem, the blocks of each stage, and each stage's fusion step (decoder feature and the
/// next stage's input). <see cref="MultiModalSwin"/> and <see cref="MultiModalResNet"/> implement it.
/// </summary>
public interface IMultiModalImageEncoder
{
    /// <summary>The stem on the ImageNet-normalised <paramref name="image"/> [B, 3, S, S]: tokens [B, h·w, C₀] and the map size.</summary>
    Tensor ForwardStem(Tensor image, out long height, out long width);

    /// <summary>The blocks of stage <paramref name="stage"/> (0-based) on tokens <paramref name="x"/> [B, H·W, C]; the size does not change.</summary>
    Tensor ForwardStage(int stage, Tensor x, long height, long width);

    /// <summary>
    /// The fusion step of stage <paramref name="stage"/> with words <paramref name="l"/> [B, D, T] and the 0/1 word mask
    /// <paramref name="lMask"/> [B, T, 1]: the decoder feature Y and, except after the last stage, the next stage's input.
    /// </summary>
    ImageStageOutput ForwardFusion(int stage, Tensor x, long height, long width, Tensor l, Tensor lMask);
}
