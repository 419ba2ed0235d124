namespace MagNet.ML.Export;

/// <summary>The ONNX values of the head's final prediction.</summary>
/// <param name="ClassLogits">Class logits [batch, Q, K+1].</param>
/// <param name="MaskLogits">Mask logits [batch, Q, H/4, W/4].</param>
/// <param name="Queries">Number of queries Q.</param>
/// <param name="Classes">Number of object classes K.</param>
/// <param name="MaskHeight">Height of the mask logits.</param>
/// <param name="MaskWidth">Width of the mask logits.</param>
internal sealed record OnnxHeadOutput(string ClassLogits, string MaskLogits, long Queries, long Classes, long MaskHeight, long MaskWidth);
