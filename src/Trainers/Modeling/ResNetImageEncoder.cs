using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace MagNet.ML.Modeling;

/// <summary>
/// A ResNet with basic blocks as a four-stage image encoder: stem (7×7 convolution at stride 2 padded 3 before and 2
/// after → BN → ReLU → 3×3 max-pool at stride 2 padded 1 before and 0 after), then stages of 64, 128, 256 and 512
/// channels at strides 4, 8, 16 and 32 — the feature pyramid a Swin with embedding 64 gives. The default depths
/// (2, 2, 2, 3) are those of the ImageNet ResNet-18 that ML.NET's <c>Microsoft.ML.DnnImageFeaturizer.ResNet18</c>
/// package ships (see <see cref="DnnImageFeaturizerResNet18"/>). Input: the network's own pixel convention (for that
/// file BGR in 0–255 minus the channel means).
/// </summary>
public sealed partial class ResNetImageEncoder : nn.Module<Tensor, Tensor[]>
{
    /// <summary>Channels of the four stages.</summary>
    public static IReadOnlyList<long> StageChannels { get; } = [64, 128, 256, 512];

#pragma warning disable IDE1006 // state-dict names
    private readonly PaddedConv2d stem_conv;
    private readonly FrozenBatchNorm2d stem_bn;
    private readonly ModuleList<ResNetBasicBlock> blocks;
#pragma warning restore IDE1006
    private readonly int[] _depths;

    /// <summary>Creates the encoder with <paramref name="depths"/> blocks per stage (four positive numbers; default 2, 2, 2, 3).</summary>
    public ResNetImageEncoder(IReadOnlyList<int>? depths = null) : base(nameof(ResNetImageEncoder))
    {
        _depths = (depths ?? [2, 2, 2, 3]).ToArray();
        if (_depths.Length != 4 || _depths.Any(d => d < 1))
            throw new ArgumentException($"Four positive stage depths are needed, got [{string.Join(", ", _depths)}].", nameof(depths));
        stem_conv = new PaddedConv2d(3, 64, 7, 2, 3, 2);
        stem_bn = new FrozenBatchNorm2d(64);
        blocks = new ModuleList<ResNetBasicBlock>();
        long channels = 64;
        for (int s = 0; s < 4; s++)
            for (int b = 0; b < _depths[s]; b++)
            {
                long outChannels = StageChannels[s];
                blocks.Add(new ResNetBasicBlock(channels, outChannels, b == 0 && s > 0 ? 2 : 1));
                channels = outChannels;
            }
        RegisterComponents();
    }

    /// <summary>Blocks per stage.</summary>
    public IReadOnlyList<int> Depths => _depths;

    /// <summary>Every convolution and its norm in the order a CNTK/ONNX export of the network lists them.</summary>
    public IEnumerable<(PaddedConv2d Conv, FrozenBatchNorm2d Norm)> ConvolutionsInOrder() =>
        new[] { (stem_conv, stem_bn) }.Concat(blocks.SelectMany(b => b.ConvolutionsInOrder()));

    /// <summary>The stem: [B, 3, H, W] → [B, 64, H/4, W/4] (rounded as the paddings give).</summary>
    public Tensor ForwardStem(Tensor image)
    {
        using var scope = NewDisposeScope();
        var x = nn.functional.relu(stem_bn.forward(stem_conv.forward(image)));
        // After the ReLU every value is ≥ 0, so zero padding is max-pooling's −∞ padding.
        x = nn.functional.max_pool2d(nn.functional.pad(x, [1, 0, 1, 0]), kernel_size: 3, stride: 2);
        return x.MoveToOuterDisposeScope();
    }

    /// <summary>Runs stage <paramref name="stage"/> (0–3) on the previous stage's output (or the stem's).</summary>
    public Tensor ForwardStage(int stage, Tensor x)
    {
        if (stage is < 0 or > 3) throw new ArgumentOutOfRangeException(nameof(stage), stage, "Stages are 0–3.");
        int first = FirstBlock(stage);
        return ForwardBlocks(first, first + _depths[stage], x);
    }

    /// <summary>
    /// Runs blocks <paramref name="from"/> (inclusive) to <paramref name="to"/> (exclusive), counted over all stages in
    /// order, on <paramref name="x"/> [B, C, H, W]: a stage may be split, e.g. to run its strided first block apart.
    /// </summary>
    public Tensor ForwardBlocks(int from, int to, Tensor x)
    {
        if (from < 0 || to > blocks.Count || from > to)
            throw new ArgumentOutOfRangeException(nameof(from), $"Blocks {from}..{to} are outside 0..{blocks.Count}.");
        using var scope = NewDisposeScope();
        for (int b = from; b < to; b++) x = blocks[b].forward(x);
        return x.MoveToOuterDisposeScope();
    }

    /// <summary>Index of the first block of stage <paramref name="stage"/> among all blocks.</summary>
    public int FirstBlock(int stage) => _depths.Take(stage).Sum();

    /// <summary>The four stage outputs for <paramref name="image"/> [B, 3, H, W].</summary>
    public override Tensor[] forward(Tensor image)
    {
        var features = new Tensor[4];
        using (var stem = ForwardStem(image)) features[0] = ForwardStage(0, stem);
        for (int s = 1; s < 4; s++) features[s] = ForwardStage(s, features[s - 1]);
        return features;
    }
}
