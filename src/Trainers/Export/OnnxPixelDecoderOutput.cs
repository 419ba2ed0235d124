namespace MagNet.ML.Export;

/// <summary>The ONNX values the pixel decoder hands to the transformer decoder.</summary>
/// <param name="MaskFeatures">Per-pixel embeddings [batch, mask_dim, H/4, W/4].</param>
/// <param name="MultiScaleFeatures">The three coarsest encoder outputs, coarsest first.</param>
internal sealed record OnnxPixelDecoderOutput(OnnxFeature MaskFeatures, IReadOnlyList<OnnxFeature> MultiScaleFeatures);
