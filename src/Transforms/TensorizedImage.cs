namespace MagNet.ML;

/// <summary>An image prepared for the model by <see cref="ImageTensorizer"/>, with the size it had before resizing.</summary>
/// <param name="Pixels">Planar RGB floats, <c>[3, S, S]</c> row-major (channel, then row, then column), normalised.</param>
/// <param name="OriginalWidth">Width of the source image in pixels.</param>
/// <param name="OriginalHeight">Height of the source image in pixels.</param>
public readonly record struct TensorizedImage(float[] Pixels, int OriginalWidth, int OriginalHeight);
