namespace MagNet.ML.Export;

/// <summary>
/// The ONNX values of one image stage's fusion step: the decoder feature Y_i and, except after the last stage, the
/// down-sampled tokens [batch, H'·W', 2C] entering the next stage.
/// </summary>
/// <param name="Feature">Decoder feature Y_i [batch, C, H, W].</param>
/// <param name="Next">PatchMerging output, or null after the last stage.</param>
/// <param name="NextHeight">Height H' of <paramref name="Next"/>.</param>
/// <param name="NextWidth">Width W' of <paramref name="Next"/>.</param>
internal sealed record OnnxImageStage(OnnxFeature Feature, string? Next, long NextHeight, long NextWidth);
