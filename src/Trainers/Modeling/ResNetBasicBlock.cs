using TorchSharp;
using static TorchSharp.torch;

namespace MagNet.ML.Modeling;

/// <summary>
/// ResNet's basic block: conv 3×3 (stride s) → BN → ReLU → conv 3×3 → BN, plus the input (or, when the block changes
/// width or resolution, a 1×1 convolution at stride s → BN of it), then ReLU. Strided 3×3 convolutions pad 1 before and
/// 0 after, as the CNTK export of ML.NET's ImageNet ResNet-18 does. State-dict names <c>conv1</c>, <c>bn1</c>,
/// <c>conv2</c>, <c>bn2</c>, <c>downsample_conv</c>, <c>downsample_bn</c>.
/// </summary>
public sealed partial class ResNetBasicBlock : nn.Module<Tensor, Tensor>
{
#pragma warning disable IDE1006 // state-dict names
    private readonly PaddedConv2d conv1;
    private readonly FrozenBatchNorm2d bn1;
    private readonly PaddedConv2d conv2;
    private readonly FrozenBatchNorm2d bn2;
    private readonly PaddedConv2d? downsample_conv;
    private readonly FrozenBatchNorm2d? downsample_bn;
#pragma warning restore IDE1006

    /// <summary>Creates a block from <paramref name="inChannels"/> to <paramref name="outChannels"/> at <paramref name="stride"/> (1 or 2).</summary>
    public ResNetBasicBlock(long inChannels, long outChannels, long stride) : base(nameof(ResNetBasicBlock))
    {
        if (stride is not (1 or 2)) throw new ArgumentOutOfRangeException(nameof(stride), stride, "A basic block has stride 1 or 2.");
        conv1 = new PaddedConv2d(inChannels, outChannels, 3, stride, 1, stride == 1 ? 1 : 0);
        bn1 = new FrozenBatchNorm2d(outChannels);
        conv2 = new PaddedConv2d(outChannels, outChannels, 3, 1, 1, 1);
        bn2 = new FrozenBatchNorm2d(outChannels);
        if (stride != 1 || inChannels != outChannels)
        {
            downsample_conv = new PaddedConv2d(inChannels, outChannels, 1, stride, 0, 0);
            downsample_bn = new FrozenBatchNorm2d(outChannels);
        }
        RegisterComponents();
    }

    /// <summary>The block's convolutions and norms in the order the CNTK export lists them: shortcut (if any), then main path.</summary>
    public IEnumerable<(PaddedConv2d Conv, FrozenBatchNorm2d Norm)> ConvolutionsInOrder()
    {
        if (downsample_conv is not null) yield return (downsample_conv, downsample_bn!);
        yield return (conv1, bn1);
        yield return (conv2, bn2);
    }

    /// <summary>Runs the block on <paramref name="x"/> [B, in, H, W].</summary>
    public override Tensor forward(Tensor x)
    {
        using var scope = NewDisposeScope();
        var y = bn2.forward(conv2.forward(nn.functional.relu(bn1.forward(conv1.forward(x)))));
        var shortcut = downsample_conv is null ? x : downsample_bn!.forward(downsample_conv.forward(x));
        return nn.functional.relu(y + shortcut).MoveToOuterDisposeScope();
    }
}
