using MagNet.ML.Export;

namespace MagNet.ML.Modeling;

public sealed partial class ResNetBasicBlock
{
    /// <summary>Emits the block (see <see cref="forward"/>) on the map <paramref name="x"/> [B, in, H, W], each norm folded into its convolution.</summary>
    internal string EmitOnnx(OnnxGraphBuilder g, string prefix, string x)
    {
        string y = g.Relu(g.ConvWithFrozenNorm(x, conv1, bn1, $"{prefix}.conv1"));
        y = g.ConvWithFrozenNorm(y, conv2, bn2, $"{prefix}.conv2");
        string shortcut = downsample_conv is null ? x : g.ConvWithFrozenNorm(x, downsample_conv, downsample_bn!, $"{prefix}.downsample_conv");
        return g.Relu(g.Add(y, shortcut));
    }
}
