namespace MagNet.ML;

/// <summary>An entry of a COCO <c>images</c> list.</summary>
/// <param name="Id">The image id.</param>
/// <param name="FileName">The file name, relative to the image folder.</param>
/// <param name="Width">Width in pixels.</param>
/// <param name="Height">Height in pixels.</param>
public sealed record CocoImage(long Id, string FileName, int Width, int Height);
