using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace MagNet.ML.Modeling;

/// <summary>
/// MagNet's image side on a ResNet (<see cref="ImageEncoderKind.ResNet"/>, state-dict prefix <c>image_model.</c>): the
/// CNN <c>encoder</c> (<see cref="ResNetImageEncoder"/>, e.g. the ImageNet ResNet-18 that
/// <see cref="DnnImageFeaturizerResNet18"/> imports) and, after each of its four stages, the fusion step of a MagNet
/// stage in <c>layers</c> (<see cref="MultiModalSwinLayer"/> without Swin blocks: PWAM, gate, CAM, mixer). The gated
/// residual of stage i enters stage i+1 through that stage's first (strided) block, which plays the part of the
/// Swin's PatchMerging. Stage widths 64/128/256/512 at strides 4/8/16/32 are those of a Swin with embedding 64.
/// The input is MagNet's ImageNet-normalised RGB tensor, mapped to the pretrained network's convention (BGR in 0–255
/// minus the ImageNet channel means 103.94, 116.78, 123.68; the package's own pre-processing subtracts a mean image
/// whose channel means these are).
/// </summary>
public sealed partial class MultiModalResNet : nn.Module, IMultiModalImageEncoder
{
    /// <summary>The ImageNet channel means (BGR, 0–255) subtracted from the network's input.</summary>
    public static IReadOnlyList<float> BgrMeans { get; } = [103.94f, 116.78f, 123.68f];

#pragma warning disable IDE1006 // state-dict names
    private readonly ResNetImageEncoder encoder;
    private readonly ModuleList<MultiModalSwinLayer> layers;
#pragma warning restore IDE1006

    /// <summary>
    /// Creates the encoder with random CNN weights (load pretrained ones with
    /// <see cref="DnnImageFeaturizerResNet18.Load"/> on <see cref="Encoder"/>); the PWAMs read words of width
    /// <paramref name="textDim"/>. From <paramref name="config"/> only the depths, the fusion heads and drop rate apply.
    /// </summary>
    public MultiModalResNet(ImageModelConfig config, int textDim) : base(nameof(MultiModalResNet))
    {
        ArgumentNullException.ThrowIfNull(config);
        if (textDim < 1) throw new ArgumentOutOfRangeException(nameof(textDim), textDim, "The word feature width must be positive.");
        encoder = new ResNetImageEncoder(config.Depths);
        layers = nn.ModuleList(Enumerable.Range(0, 4).Select(i => new MultiModalSwinLayer(i, (int)ResNetImageEncoder.StageChannels[i], 0,
            config.NumHeads[i], config.WindowSize, config, [], textDim, config.NumHeadsFusion[i], hasDownsample: false)).ToArray());
        RegisterComponents();
        MultiModalSwin.InitializeWeights(layers, layers);
    }

    /// <summary>The CNN (<c>image_model.encoder.*</c>).</summary>
    public ResNetImageEncoder Encoder => encoder;

    /// <summary>The ImageNet-normalised RGB <paramref name="image"/> [B, 3, H, W] in the network's BGR 0–255 minus-means convention.</summary>
    public static Tensor ToNetworkPixels(Tensor image)
    {
        ArgumentNullException.ThrowIfNull(image);
        using var scope = NewDisposeScope();
        var (scale, shift) = PixelAffine();
        var bgr = image.flip(1) * torch.tensor(scale, device: image.device).view(1, 3, 1, 1)
            + torch.tensor(shift, device: image.device).view(1, 3, 1, 1);
        return bgr.MoveToOuterDisposeScope();
    }

    // Per BGR channel c (RGB channel 2 − c): value = normalised·255·std + 255·mean − BgrMeans[c].
    private static (float[] Scale, float[] Shift) PixelAffine()
    {
        var mean = ImageTensorizer.ImageNetMean.Reverse().ToArray();
        var std = ImageTensorizer.ImageNetStd.Reverse().ToArray();
        return (std.Select(s => 255f * s).ToArray(), mean.Select((m, c) => 255f * m - BgrMeans[c]).ToArray());
    }

    /// <inheritdoc />
    public Tensor ForwardStem(Tensor image, out long height, out long width)
    {
        using var scope = NewDisposeScope();
        var map = encoder.ForwardStem(ToNetworkPixels(image));
        height = map.shape[2];
        width = map.shape[3];
        return ToTokens(map).MoveToOuterDisposeScope();
    }

    /// <inheritdoc />
    /// <remarks>Stage 0 runs all its blocks; a later stage all but its first, which ran in the previous fusion step.</remarks>
    public Tensor ForwardStage(int stage, Tensor x, long height, long width)
    {
        using var scope = NewDisposeScope();
        var (from, to) = StageBlocks(stage);
        return ToTokens(encoder.ForwardBlocks(from, to, ToMap(x, height, width))).MoveToOuterDisposeScope();
    }

    /// <inheritdoc />
    public ImageStageOutput ForwardFusion(int stage, Tensor x, long height, long width, Tensor l, Tensor lMask) =>
        layers[stage].ForwardFusion(x, height, width, l, lMask, nextStage: stage == 3 ? null : (fused, h, w) =>
        {
            int first = encoder.FirstBlock(stage + 1);
            var down = encoder.ForwardBlocks(first, first + 1, ToMap(fused, h, w));
            return (ToTokens(down), down.shape[2], down.shape[3]);
        });

    private (int From, int To) StageBlocks(int stage)
    {
        if (stage is < 0 or > 3) throw new ArgumentOutOfRangeException(nameof(stage), stage, "Stages are 0–3.");
        int first = encoder.FirstBlock(stage);
        return (stage == 0 ? first : first + 1, first + encoder.Depths[stage]);
    }

    private static Tensor ToTokens(Tensor map) => map.flatten(2).transpose(1, 2);

    private static Tensor ToMap(Tensor tokens, long height, long width) =>
        tokens.transpose(1, 2).reshape(tokens.shape[0], tokens.shape[2], height, width);
}
