using MagNet.ML.Export;

namespace MagNet.ML.Modeling;

public sealed partial class MaskFormerHead
{
    /// <summary>Emits the pixel decoder and the transformer decoder on s1..s4; returns the final prediction only.</summary>
    internal OnnxHeadOutput EmitOnnx(OnnxGraphBuilder g, string prefix, IReadOnlyList<OnnxFeature> features)
    {
        for (int i = 0; i < features.Count; i++)
            if (features[i].Channels != Options.InputChannels[i])
                throw new InvalidOperationException($"ONNX export: s{i + 1} has {features[i].Channels} channels; the head expects {Options.InputChannels[i]}.");
        var pixels = pixel_decoder.EmitOnnx(g, $"{prefix}.pixel_decoder", features);
        return predictor.EmitOnnx(g, $"{prefix}.predictor", pixels, Options.NumQueries, Options.NumClasses, Options.MaskDim);
    }
}
