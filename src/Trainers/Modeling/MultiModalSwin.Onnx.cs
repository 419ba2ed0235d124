using MagNet.ML.Export;
using TorchSharp;
using static TorchSharp.torch;

namespace MagNet.ML.Modeling;

public sealed partial class MultiModalSwin
{
    /// <summary>
    /// Emits the stem (see <see cref="ForwardStem"/>) on <paramref name="image"/> [B, 3, S, S]: tokens [B, h·w, C]. An
    /// absolute position embedding is resized (bicubic) to the token grid at export time and added as a constant.
    /// </summary>
    (string Tokens, long Height, long Width) IOnnxImageEncoder.EmitStem(OnnxGraphBuilder g, string prefix, string image, long imageSize)
    {
        var (tokens, height, width) = patch_embed.EmitOnnx(g, $"{prefix}.patch_embed", image, imageSize, imageSize);
        if (absolute_pos_embed is not null)
        {
            using var scope = NewDisposeScope();
            var resized = nn.functional.interpolate(absolute_pos_embed.detach(), [height, width], mode: InterpolationMode.Bicubic, align_corners: false)
                .flatten(2).transpose(1, 2);
            tokens = g.Add(tokens, g.AddConstant($"{prefix}.absolute_pos_embed.resized", resized));
        }
        return (tokens, height, width);
    }

    /// <summary>Emits the Swin blocks of stage <paramref name="stage"/> (0-based) on <paramref name="x"/> [B, H·W, C].</summary>
    string IOnnxImageEncoder.EmitStage(OnnxGraphBuilder g, string prefix, int stage, string x, long height, long width) =>
        layers[stage].EmitBlocks(g, $"{prefix}.layers.{stage}", x, height, width);

    /// <summary>
    /// Emits the fusion step of stage <paramref name="stage"/> (see <see cref="MultiModalSwinLayer.EmitFusion"/>); the
    /// stage's output norm <c>norm{stage}</c> is handed over for stages built without the CAM, which use it.
    /// </summary>
    OnnxImageStage IOnnxImageEncoder.EmitFusion(OnnxGraphBuilder g, string prefix, int stage, string x, long height, long width, string l, string lMask) =>
        layers[stage].EmitFusion(g, $"{prefix}.layers.{stage}", x, height, width, l, lMask,
            outputNorms[stage] is { } norm ? (norm, $"{prefix}.norm{stage}") : null);
}
