namespace MagNet.ML.Export;

/// <summary>A feature map in an ONNX graph under construction: its value name and static shape [batch, C, H, W].</summary>
/// <param name="Value">Name of the graph value.</param>
/// <param name="Channels">Channels C.</param>
/// <param name="Height">Height H.</param>
/// <param name="Width">Width W.</param>
internal sealed record OnnxFeature(string Value, long Channels, long Height, long Width);
