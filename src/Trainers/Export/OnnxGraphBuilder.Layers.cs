using MagNet.ML.Modeling;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace MagNet.ML.Export;

/// <summary>
/// Helpers of <see cref="OnnxGraphBuilder"/> that emit a TorchSharp built-in layer (Linear, LayerNorm, Conv1d/Conv2d,
/// GroupNorm, Embedding) with its parameters added as initializers under <c>prefix.weight</c> / <c>prefix.bias</c>,
/// the layer's state-dict names.
/// </summary>
internal sealed partial class OnnxGraphBuilder
{
    /// <summary>PyTorch <c>nn.Linear</c> on the last axis.</summary>
    public string Linear(string x, Linear layer, string prefix)
    {
        string weight = AddInitializer($"{prefix}.weight", layer.weight!);
        string? bias = layer.bias is null ? null : AddInitializer($"{prefix}.bias", layer.bias);
        return Linear(x, weight, bias);
    }

    /// <summary>PyTorch <c>nn.LayerNorm</c> over the last axis (one normalised dimension, affine).</summary>
    public string LayerNorm(string x, LayerNorm layer, string prefix)
    {
        if (layer.normalized_shape.Length != 1 || layer.weight is null || layer.bias is null)
            throw new NotSupportedException($"ONNX export of '{prefix}': only affine LayerNorms over the last axis are supported.");
        return LayerNorm(x, AddInitializer($"{prefix}.weight", layer.weight), AddInitializer($"{prefix}.bias", layer.bias), (float)layer.eps);
    }

    /// <summary>PyTorch <c>nn.Conv1d</c> / <c>nn.Conv2d</c> with zero padding mode.</summary>
    public string Conv(string x, Convolution layer, string prefix)
    {
        if (layer.transposed || layer.padding_mode != TorchSharp.PaddingModes.Zeros || layer.padding_type is not null)
            throw new NotSupportedException($"ONNX export of '{prefix}': only plain convolutions with explicit zero padding are supported.");
        string weight = AddInitializer($"{prefix}.weight", layer.weight!);
        string? bias = layer.bias is null ? null : AddInitializer($"{prefix}.bias", layer.bias);
        if (IsPointwiseConv1d(layer))
        {
            // A 1×1 Conv1d over [B, C, L] is W[out, in] · x: as a MatMul, ONNX Runtime runs it without the blocked-layout
            // reorders its Conv kernel inserts around every such node (the fusion modules have dozens of them).
            long outChannels = layer.weight!.shape[0], inChannels = layer.weight.shape[1];
            string product = MatMul(Reshape(weight, outChannels, inChannels), x);
            return bias is null ? product : Add(product, Reshape(bias, outChannels, 1));
        }
        long[] padding = layer.padding ?? new long[layer.kernel_size.Length];
        long[] pads = padding.Concat(padding).ToArray();
        return Conv(x, weight, bias, layer.kernel_size, layer.stride, pads, layer.dilation, layer.groups);
    }

    private static bool IsPointwiseConv1d(Convolution layer) =>
        layer.kernel_size is [1] && layer.stride is [1] && (layer.padding ?? [0]) is [0] && layer.dilation is [1] && layer.groups == 1;

    /// <summary>PyTorch <c>nn.GroupNorm</c> of a [B, C, H, W] map (affine).</summary>
    public string GroupNorm(string x, GroupNorm layer, string prefix, long channels, long height, long width)
    {
        if (layer.weight is null || layer.bias is null)
            throw new NotSupportedException($"ONNX export of '{prefix}': only affine GroupNorms are supported.");
        return GroupNorm(x, layer.num_groups, channels, height, width,
            AddInitializer($"{prefix}.weight", layer.weight), AddInitializer($"{prefix}.bias", layer.bias), (float)layer.eps);
    }

    /// <summary>
    /// A bias-free <see cref="PaddedConv2d"/> followed by a <see cref="FrozenBatchNorm2d"/>, emitted as one Conv whose
    /// weight and bias fold the norm in (W·scale per output channel, shift); both are export-time constants.
    /// </summary>
    public string ConvWithFrozenNorm(string x, PaddedConv2d conv, FrozenBatchNorm2d norm, string prefix)
    {
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        var (scale, shift) = norm.Affine();
        string weight = AddConstant($"{prefix}.folded_weight", conv.Weight * scale.view(-1, 1, 1, 1));
        string bias = AddConstant($"{prefix}.folded_bias", shift);
        long k = conv.Kernel, s = conv.Stride, before = conv.PadBefore, after = conv.PadAfter;
        return Conv(x, weight, bias, [k, k], [s, s], [before, before, after, after], [1, 1]);
    }

    /// <summary>PyTorch <c>nn.Embedding</c>: rows of the table picked by the int64 <paramref name="indices"/>.</summary>
    public string Embedding(string indices, Embedding layer, string prefix) =>
        Gather(AddInitializer($"{prefix}.weight", layer.weight!), indices);
}
