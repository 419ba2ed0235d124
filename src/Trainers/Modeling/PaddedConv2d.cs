using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace MagNet.ML.Modeling;

/// <summary>
/// A bias-free 2-D convolution with zero padding that may differ before and after each spatial axis, as CNTK's "same"
/// padding of strided convolutions is exported to ONNX (e.g. 3 before and 2 after for a 7×7 kernel at stride 2).
/// Parameter <c>weight</c> [out, in, k, k].
/// </summary>
public sealed class PaddedConv2d : nn.Module<Tensor, Tensor>
{
#pragma warning disable IDE1006 // state-dict names
    private readonly Parameter weight;
#pragma warning restore IDE1006
    private readonly long[] _padding;

    /// <summary>Creates the convolution (Kaiming-uniform weights, as torch's Conv2d).</summary>
    /// <param name="inChannels">Input channels.</param>
    /// <param name="outChannels">Output channels.</param>
    /// <param name="kernel">Square kernel side.</param>
    /// <param name="stride">Stride on both axes.</param>
    /// <param name="before">Zero rows/columns added above and left.</param>
    /// <param name="after">Zero rows/columns added below and right.</param>
    public PaddedConv2d(long inChannels, long outChannels, long kernel, long stride, long before, long after) : base(nameof(PaddedConv2d))
    {
        if (inChannels < 1 || outChannels < 1 || kernel < 1 || stride < 1 || before < 0 || after < 0)
            throw new ArgumentException($"Invalid convolution {inChannels}→{outChannels}, kernel {kernel}, stride {stride}, padding {before}/{after}.");
        (InChannels, OutChannels, Kernel, Stride, PadBefore, PadAfter) = (inChannels, outChannels, kernel, stride, before, after);
        weight = new Parameter(torch.empty(outChannels, inChannels, kernel, kernel));
        nn.init.kaiming_uniform_(weight, a: Math.Sqrt(5));
        _padding = [before, after, before, after];
        RegisterComponents();
    }

    /// <summary>Input channels.</summary>
    public long InChannels { get; }

    /// <summary>Output channels.</summary>
    public long OutChannels { get; }

    /// <summary>Kernel side.</summary>
    public long Kernel { get; }

    /// <summary>Stride.</summary>
    public long Stride { get; }

    /// <summary>Padding above and left.</summary>
    public long PadBefore { get; }

    /// <summary>Padding below and right.</summary>
    public long PadAfter { get; }

    /// <summary>The weight [out, in, k, k].</summary>
    public Parameter Weight => weight;

    /// <summary>Convolves <paramref name="x"/> [B, in, H, W].</summary>
    public override Tensor forward(Tensor x)
    {
        if (PadBefore == 0 && PadAfter == 0) return nn.functional.conv2d(x, weight, strides: [Stride, Stride]);
        if (PadBefore == PadAfter) return nn.functional.conv2d(x, weight, strides: [Stride, Stride], padding: [PadBefore, PadBefore]);
        using var padded = nn.functional.pad(x, _padding);
        return nn.functional.conv2d(padded, weight, strides: [Stride, Stride]);
    }
}
