namespace MagNet.ML;

/// <summary>What <see cref="MagNetOnnxExporter.Export"/> wrote.</summary>
/// <param name="Path">The ONNX file.</param>
/// <param name="Opset">Default-domain opset of the graph.</param>
/// <param name="Nodes">Number of graph nodes.</param>
/// <param name="Weights">Number of weight initializers (state-dict entries of the inference model).</param>
/// <param name="Parameters">Number of values in the weight initializers.</param>
/// <param name="ImageSize">Side S of the image input.</param>
/// <param name="MaxTokens">Length T of the token inputs.</param>
public sealed record MagNetOnnxExportSummary(string Path, int Opset, int Nodes, int Weights, long Parameters, int ImageSize, int MaxTokens);
