using MagNet.ML.Export;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace MagNet.ML.Modeling;

public sealed partial class PixelDecoder
{
    /// <summary>
    /// Emits the pixel decoder (see <see cref="forward"/>): input projections (1×1 conv + GroupNorm) of s4..s1, the
    /// deformable transformer with the sine position encodings as graph constants, the per-level outputs and
    /// <c>mask_features</c>.
    /// </summary>
    internal OnnxPixelDecoderOutput EmitOnnx(OnnxGraphBuilder g, string prefix, IReadOnlyList<OnnxFeature> features)
    {
        int levels = input_proj.Count;
        if (features.Count != levels)
            throw new ArgumentException($"The pixel decoder takes {levels} feature maps (s1..s{levels}), got {features.Count}.", nameof(features));
        using var scope = NewDisposeScope();
        var sources = new OnnxFeature[levels];
        var positions = new Tensor[levels];
        for (int k = 0; k < levels; k++)
        {
            var x = features[levels - 1 - k];
            string name = $"{prefix}.input_proj.{k}";
            using var nodeScope = g.Scope(name);
            string projected = g.Conv(x.Value, (Conv2d)input_proj[k][0], $"{name}.0");
            projected = g.GroupNorm(projected, (GroupNorm)input_proj[k][1], $"{name}.1", convDim, x.Height, x.Width);
            sources[k] = new OnnxFeature(projected, convDim, x.Height, x.Width);
            positions[k] = SinePositionEncoding.Compute(x.Height, x.Width, convDim / 2);
        }

        string memory = transformer.EmitOnnx(g, $"{prefix}.transformer", sources, positions);
        var outputs = new OnnxFeature[levels];
        long start = 0;
        for (int k = 0; k < levels; k++)
        {
            var (h, w) = (sources[k].Height, sources[k].Width);
            string level = g.Slice(memory, [start], [start + h * w], [1]);
            outputs[k] = new OnnxFeature(g.Reshape(g.Transpose(level, 0, 2, 1), 0, convDim, h, w), convDim, h, w);
            start += h * w;
        }
        var finest = outputs[levels - 1];
        string maskFeatures = g.Conv(finest.Value, mask_features, $"{prefix}.mask_features");
        return new OnnxPixelDecoderOutput(
            new OnnxFeature(maskFeatures, mask_features.out_channels, finest.Height, finest.Width),
            outputs.Take(MaskFormerHeadOptions.DecoderFeatureLevels).ToArray());
    }
}
